"""统一社会信用代码 (USCC, GB 32100-2015): normalising and checking."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc as stdnum_uscc

# Registration authorities of GB 32100 (1 机构编制 … 9 市场监管, A 中央军委改革和编制办公室,
# N 农业农村, Y 其他). python-stdnum only accepts digits here, which would refuse real
# rural collectives (N…); we accept the standard's full set and use stdnum for the
# check character, whose weights cover letters too.
_AUTHORITIES = set("123456789ANY")
_ALPHABET = set("0123456789ABCDEFGHJKLMNPQRTUWXY")


def normalize_uscc(value: str) -> str:
    """Upper case, no spaces or dashes; full-width characters folded (常见于 Excel 粘贴)."""
    import unicodedata

    return stdnum_uscc.compact(unicodedata.normalize("NFKC", value or ""))


def validate_uscc(value: str) -> str:
    """Return the normalised code, or raise a ValidationError in plain Chinese."""
    code = normalize_uscc(value)
    if not code:
        raise ValidationError(_("请填写统一社会信用代码。"), code="required")
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位，当前为%(n)d位。") % {"n": len(code)}, code="length"
        )
    bad = sorted({c for c in code if c not in _ALPHABET})
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、Z、S、V）。") % {"chars": "".join(bad)},
            code="charset",
        )
    if code[0] not in _AUTHORITIES:
        raise ValidationError(_("统一社会信用代码第1位（登记管理部门）不正确。"), code="authority")
    if not code[2:8].isdigit():
        raise ValidationError(_("统一社会信用代码第3—8位应为行政区划代码（6位数字）。"), code="region")
    expected = stdnum_uscc.calc_check_digit(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验位错误：第18位应为“%(expected)s”，实为“%(got)s”，请核对。")
            % {"expected": expected, "got": code[17]},
            code="checksum",
        )
    return code
