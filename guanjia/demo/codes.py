"""Valid 统一社会信用代码 (GB 32100-2015) for generated enterprises.

A code is 登记管理部门 (1) + 机构类别 (1) + 行政区划 (6) + 主体标识码 (9, the old
组织机构代码 with its own GB 11714 check character) + the GB 32100 check character.
Generated codes are "9" (市场监管) + "1" (企业) + a 咸阳 region + an organisation code
whose two check characters are both right, so they pass `validate_uscc` and look real.
"""

from __future__ import annotations

import random

from stdnum.cn import uscc as stdnum_uscc

# The GB 32100 alphabet: digits and capitals without I, O, S, V, Z.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# 610400 咸阳市, 610402 秦都区 (where the 高新区 lies), 610404 渭城区.
XIANYANG_REGIONS = ("610400", "610400", "610402", "610404")

_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Organisation-code space for the seeded generator: 8 base-31 characters.
_SPACE = len(ALPHABET) ** 8
# Counters per seed; (seed % _SEEDS) * _PER_SEED + counter stays below _SPACE.
_PER_SEED = 10**8
_SEEDS = _SPACE // _PER_SEED
# Multiplying by a number prime to 31 modulo 31**8 is a bijection: distinct inputs keep
# distinct codes, while neighbouring counters get unrelated-looking codes.
_MULTIPLIER = 406_586_639
_OFFSET = 73_013_467


def org_code_check(body8: str) -> str:
    """GB 11714 check character of an 8-character organisation code (digits 0–9, letters A=10 … Z=35)."""
    total = sum(int(ch, 36) * weight for ch, weight in zip(body8, _GB11714_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc_from(region: str, org8: str) -> str:
    """A full code for an enterprise (91) registered in `region` with organisation code body `org8`."""
    body = f"91{region}{org8}{org_code_check(org8)}"
    return body + stdnum_uscc.calc_check_digit(body)


def random_uscc(rng: random.Random) -> str:
    """A plausible code: either an old numeric organisation code or a post-2015 "MA…" one."""
    region = rng.choice(XIANYANG_REGIONS)
    if rng.random() < 0.45:
        org8 = "".join(rng.choice("0123456789") for _ in range(8))
    else:
        org8 = "MA6" + "".join(rng.choice(ALPHABET) for _ in range(5))
    return uscc_from(region, org8)


def seeded_uscc(seed: int, counter: int) -> str:
    """The `counter`-th code of generator run `seed`: unique per (seed mod 8 528, counter).

    Runs with different seeds therefore never collide (up to 100 million codes each);
    the seeder still checks the database, for seeds that meet modulo 8 528 and for
    codes entered by hand.
    """
    if not 0 <= counter < _PER_SEED:
        raise ValueError("counter out of range")
    value = ((seed % _SEEDS) * _PER_SEED + counter) * _MULTIPLIER + _OFFSET
    value %= _SPACE
    chars = []
    for _ in range(8):
        value, digit = divmod(value, len(ALPHABET))
        chars.append(ALPHABET[digit])
    region = XIANYANG_REGIONS[counter % len(XIANYANG_REGIONS)]
    return uscc_from(region, "".join(reversed(chars)))
