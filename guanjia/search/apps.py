from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "guanjia.search"
    label = "search"
    verbose_name = _("搜索")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from guanjia.search.grams import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="guanjia.search.grams")
        post_migrate.connect(_repair, sender=self, dispatch_uid="guanjia.search.repair")


def _repair(sender, using="default", **kwargs) -> None:
    from django.db import connections

    from guanjia.search.indexes import repair_sqlite

    repair_sqlite(connections[using])
