"""Looking up what a roster names (enterprises by code, tags, people) with a fixed number of queries."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from guanjia.core.choices import Role
from guanjia.core.text import listed
from guanjia.enterprises.importing.reading import _fold
from guanjia.enterprises.models import Contact, Enterprise, Tag
from guanjia.org.models import User

# Values per `IN (…)` query at most (fewer where the database binds fewer parameters).
_IN_CHUNK = 10_000
# Short names zones use for the catalogue's tags.
_TAG_ALIASES = {
    "高企": "hnte", "国高新": "hnte", "国家高新技术企业": "hnte", "小巨人": "little-giant",
    "国家级专精特新小巨人": "little-giant", "专精特新中小企业": "srdi", "单项冠军": "champion",
    "科小": "tech-sme", "科技型中小企业": "tech-sme",
}


# ---------------------------------------------------------------------------------------------
# Looking things up (a fixed number of queries)


def _in_chunk_size() -> int:
    """How many values one `IN (…)` may bind: SQLite before 3.32 allows only 999 parameters."""
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        return max(100, min(_IN_CHUNK, limit - 10))
    return _IN_CHUNK


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _tag_key(text: str) -> str:
    return re.sub(r"[\"'“”‘’「」『』《》]", "", _fold(text)).casefold()


class _Tags:
    def __init__(self):
        tags = list(Tag.objects.all())
        self.names = [t.name for t in tags]
        self.by_key: dict[str, Tag] = {}
        by_code = {t.code: t for t in tags}
        for tag in tags:
            self.by_key[_tag_key(tag.name)] = tag
            self.by_key[_tag_key(tag.code)] = tag
        for alias, code in _TAG_ALIASES.items():
            if code in by_code:
                self.by_key.setdefault(_tag_key(alias), by_code[code])

    def get(self, text: str) -> Tag | None:
        return self.by_key.get(_tag_key(text))


_PERSON_WITH_USERNAME = re.compile(r"^(?P<name>.+?)\s*[（(]\s*(?P<username>[^()（）]+?)\s*[)）]$")


class _People:
    """The people a roster names, found by username or by name (``张伟`` or ``张伟（zhangwei）``)."""

    def __init__(self, zone, refs: set[str]):
        self.zone_id = zone.pk
        lookups: set[str] = set()
        for ref in refs:
            lookups.add(ref)
            match = _PERSON_WITH_USERNAME.match(ref)
            if match:
                lookups.update(match.groups())
        self.by_username: dict[str, User] = {}
        self.by_name: dict[str, list[User]] = defaultdict(list)
        keys = sorted(lookups)
        for chunk in _chunks(keys, _in_chunk_size() // 2):
            users = User.objects.filter(Q(username__in=chunk) | Q(name__in=chunk)).prefetch_related("roles")
            for user in users:
                # Fill the cached property from the prefetch, so checking roles costs no query per person.
                user.__dict__["role_codes"] = frozenset(r.code for r in user.roles.all())
                self.by_username[user.username] = user
                if user.name:
                    self.by_name[user.name].append(user)
        for users in self.by_name.values():
            users.sort(key=lambda u: u.username)

    def _check(self, user: User, role: str) -> str | None:
        if user.zone_id != self.zone_id:
            return _("“%(name)s”不是本园区人员，不能指派。") % {"name": user}
        if not user.is_active:
            return _("“%(name)s”已停用，不能指派。") % {"name": user}
        if role not in user.role_codes:
            return _("“%(name)s”没有“%(role)s”角色，不能指派。") % {"name": user, "role": Role(role).label}
        return None

    def resolve(self, ref: str, role: str) -> tuple[User | None, str | None]:
        match = _PERSON_WITH_USERNAME.match(ref)
        username = match.group("username") if match else ref
        user = self.by_username.get(username)
        if user is not None:
            problem = self._check(user, role)
            return (None, problem) if problem else (user, None)
        if match:
            return None, _("未找到用户名为“%(username)s”的人员。") % {"username": username}
        candidates = self.by_name.get(ref, [])
        here = [u for u in candidates if u.zone_id == self.zone_id]
        fit = [u for u in here if u.is_active and role in u.role_codes]
        if len(fit) == 1:
            return fit[0], None
        if len(fit) > 1:
            return None, _(
                "本园区有 %(n)d 位名为“%(name)s”的%(role)s（用户名：%(usernames)s），请改填“姓名（用户名）”或用户名。"
            ) % {"n": len(fit), "name": ref, "role": Role(role).label, "usernames": listed(u.username for u in fit)}
        if here:
            return None, self._check(here[0], role)
        if candidates:
            return None, self._check(candidates[0], role)
        return None, _("未找到人员“%(name)s”：请填写本园区%(role)s的姓名或用户名。") % {
            "name": ref, "role": Role(role).label,
        }


def _existing_by_uscc(codes: list[str], *, update_existing: bool) -> dict[str, Enterprise]:
    found: dict[str, Enterprise] = {}
    for chunk in _chunks(codes, _in_chunk_size()):
        queryset = Enterprise.objects.filter(uscc__in=chunk)
        if update_existing:
            queryset = queryset.prefetch_related(
                "tags", Prefetch("contacts", queryset=Contact.objects.order_by("-is_primary", "pk"))
            )
        else:
            queryset = queryset.only("pk", "zone_id", "uscc", "name", "archived_at")
        for enterprise in queryset:
            found[enterprise.uscc] = enterprise
    return found
