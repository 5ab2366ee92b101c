"""How a workflow plugs into the kernel: one declarative spec per kind of tracked item.

A domain app describes its workflow once (`Workflow`): its statuses and which are open, its
moves (the ONE transition table: from which statuses, to which, under which django-rules
permission), the labels of its timeline actions and clocks, and a few small hooks: what
its tracked item says and whom it waits for (`describe`), its page (`url`), who hears of a
timeline event (`notices`) and of a clock's reminder (`reminder_people`). It registers the
spec in its AppConfig.ready(); the kernel, the notifications and the worklist read specs
from here and never import a domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models


@dataclass(frozen=True)
class Move:
    """One row of a transition table: the statuses it may start from, the status it leads to (None: the
    service decides, or it stays), and the django-rules permission the actor needs (checked on the object)."""

    sources: frozenset[str]
    target: str | None = None
    permission: str = ""


@dataclass(frozen=True)
class Description:
    """What a domain object's tracked item says of it, and whom it waits for now.

    `duties` are (party, actionable) pairs (`workflow.parties`): who must act on it now
    (actionable) or can only wait for others (listed apart in their 我的待办).
    """

    zone_id: int
    status: str
    is_open: bool
    title: str
    number: str = ""
    enterprise_id: int | None = None
    project_id: int | None = None
    person_id: int | None = None
    unit_id: int | None = None
    parent_id: int | None = None
    duties: tuple[tuple[str, bool], ...] = ()


@dataclass
class Workflow:
    """The spec of one kind of tracked item. See the module's docstring and docs/architecture.md."""

    kind: str
    label: Any  # a lazy translation: the kind's name in 我的待办 (诉求, 部门任务 …)
    model: str  # "app_label.ModelName" of the domain object
    statuses: type[models.TextChoices]
    open_statuses: frozenset[str]
    moves: dict[str, Move]
    describe: Callable[[Any], Description]
    url: Callable[[dict], str]  # the item's page, from a row of the item's values (see URL_FIELDS)
    actions: type[models.TextChoices] | None = None  # labels of its timeline actions
    clock_kinds: type[models.TextChoices] | None = None
    status_colours: dict[str, str] = field(default_factory=dict)
    # Who hears of a committed timeline event: event -> notices (see notifications.services.Notice).
    notices: Callable[[Any], list] | None = None
    # Who is reminded of a clock (due soon, overdue): (rows, people) -> {clock id: [people]}; default:
    # the item's responsible person and its unit's handlers, else the zone's admins.
    reminder_people: Callable[[list, Any], dict] | None = None
    # Who hears of an escalation (overdue N working days): (rows, people) -> {clock id: [people]}; default:
    # the enterprise's contact leader, else its workstation's head, else the zone's leaders.
    escalation_people: Callable[[list, Any], dict] | None = None
    # Reminders of its own, beyond its clocks' (e.g. asking an enterprise to rate): run(reminder run).
    reminders: Callable[[Any], None] | None = None
    # Told which of its items' clocks were replayed outside a transition (a rule changed, a year of
    # holidays loaded), so that the deadlines the domain keeps on its own rows follow: (item ids) -> None.
    deadlines_moved: Callable[[list[int]], None] | None = None
    # The row's version check and the words of a refused move (409).
    stale_message: Any = ""
    refused_message: Any = ""  # "%(status)s" and "%(action)s"

    def get_model(self) -> type[models.Model]:
        return apps.get_model(self.model)

    # The labels below are lazy translations (put into words where they are shown); an unknown code is itself.

    def status_label(self, status: str):
        return _label(self.statuses, status)

    def action_label(self, action: str):
        return _label(self.actions, action)

    def clock_label(self, kind: str):
        return _label(self.clock_kinds, kind)


def _label(choices: type[models.TextChoices] | None, code: str):
    if choices is not None:
        try:
            return choices(code).label
        except ValueError:
            pass
    return code


# What a workflow's `url` reads of an item row: its own object and its parent's.
URL_FIELDS = ("kind", "object_id", "parent__object_id")

_REGISTRY: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    if workflow.kind in _REGISTRY and _REGISTRY[workflow.kind] is not workflow:
        raise ValueError(f"a workflow named {workflow.kind!r} is registered already")
    _REGISTRY[workflow.kind] = workflow
    return workflow


def get(kind: str) -> Workflow:
    return _REGISTRY[kind]


def find(kind: str) -> Workflow | None:
    """The workflow of a kind, or None for one no longer registered (rows left by an app since removed): what
    reads items (lists, notices, reminders) shows those as they are rather than failing."""
    return _REGISTRY.get(kind)


def registered() -> Iterable[Workflow]:
    return _REGISTRY.values()


def item_url(row: dict) -> str:
    """The page of an item, from a row with URL_FIELDS (a kind no longer registered: no link)."""
    workflow = find(row["kind"])
    return workflow.url(row) if workflow is not None else ""
