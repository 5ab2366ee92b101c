from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetKind(models.TextChoices):
    """What a zone's annual target counts (API.md: targets)."""

    NEW_STARTS = "new_starts", _("新开工项目（个）")
    IN_PRODUCTION = "in_production", _("新投产项目（个）")
    AGREEMENTS_SIGNED = "agreements_signed", _("新签约项目（个）")
    INVESTMENT = "investment", _("完成投资（万元）")
    CUSTOM = "custom", _("自定义指标")


# 双过半: by the end of June, at least half of each target (and half the year gone).
HALF_YEAR_MARK = 0.5

# The kinds the system counts itself (the rest, custom counts, are entered by hand), in the order pages show them.
COUNTED_KINDS = (TargetKind.NEW_STARTS, TargetKind.IN_PRODUCTION, TargetKind.AGREEMENTS_SIGNED, TargetKind.INVESTMENT)
# Kinds that count projects: their values are whole numbers.
COUNT_KINDS = frozenset({TargetKind.NEW_STARTS, TargetKind.IN_PRODUCTION, TargetKind.AGREEMENTS_SIGNED,
                         TargetKind.CUSTOM})
