"""我的待办: one list of every workflow's open items that wait for the signed-in person, soonest deadline first."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views import generic

from guanjia.workflow import registry, selectors

APART_ROWS = 30


def kind_choices(counts: dict[str, int]) -> list[tuple[str, object, int]]:
    """The kinds to filter by, with their counts: every registered workflow that has an item waiting."""
    return [(w.kind, w.label, counts[w.kind]) for w in registry.registered() if counts.get(w.kind)]


class WorklistView(LoginRequiredMixin, generic.ListView):
    """我的待办 across workflows; `?kind=` keeps one kind. Items the person can only wait on are listed apart."""

    template_name = "workflow/worklist.html"
    paginate_by = 30

    def get_queryset(self):
        kind = self.request.GET.get("kind") or None
        self.kind = kind if kind in {w.kind for w in registry.registered()} else None
        self.listed = selectors.worklist(self.request.user, kind=self.kind)
        return self.listed  # its length is the sum of its counts per kind; a page reads only its own rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        counts = selectors.worklist_counts(user) if self.kind else self.listed.counts()
        apart = list(selectors.worklist(user, kind=self.kind, apart=True)[:APART_ROWS + 1])
        context.update(kind=self.kind, kinds=kind_choices(counts), total=sum(counts.values()),
                       apart=apart[:APART_ROWS], apart_more=len(apart) > APART_ROWS)
        return context
