"""我的待办: one list of every workflow's open items that wait for the signed-in person, soonest deadline first."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views import generic

from guanjia.workflow import registry, selectors
from guanjia.workflow.choices import ClockState


def kind_choices(counts: dict[str, int]) -> list[tuple[str, object, int]]:
    """The kinds to filter by, with their counts: every registered workflow that has an item waiting."""
    return [(w.kind, w.label, counts[w.kind]) for w in registry.registered() if counts.get(w.kind)]


class WorklistView(LoginRequiredMixin, generic.ListView):
    """我的待办 across workflows; `?kind=` keeps one kind, `?apart=1` lists what the person can only wait on
    for now (等待他人办理: a unit's task while its request is suspended, a request the units hold); `?state=`
    (`overdue`, `due_soon` …) keeps the items in that state (the home page's counts link here)."""

    template_name = "workflow/worklist.html"
    paginate_by = 30

    def get_queryset(self):
        kind = self.request.GET.get("kind") or None
        self.kind = kind if kind in {w.kind for w in registry.registered()} else None
        self.apart = self.request.GET.get("apart") in ("1", "true")
        state = self.request.GET.get("state") or None
        self.state = state if state in selectors.STATES else None
        self.listed = selectors.worklist(self.request.user, kind=self.kind, apart=self.apart, state=self.state)
        return self.listed  # its length is the sum of its counts per kind; a page reads only its own rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # The counts of the tabs: what waits for the person (every kind), and what they wait on.
        waiting = self.listed if not (self.kind or self.apart or self.state) else selectors.worklist(user)
        apart = self.listed if self.apart and not (self.kind or self.state) else selectors.worklist(user, apart=True)
        counts = waiting.counts()
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(kind=self.kind, apart=self.apart, kinds=kind_choices(counts), total=sum(counts.values()),
                       apart_total=apart.count(), query_string=query.urlencode(),
                       state=self.state, state_label=ClockState(self.state).label if self.state else "")
        return context
