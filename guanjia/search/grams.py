"""Substring search through an index, for Chinese as for Latin text: every one- and two-character piece
(gram) of a text is indexed, and a word is looked up as the grams it is made of.

A text containing a word contains every gram of the word, so the rows holding all of the word's grams are
the rows that may contain it; the search keeps its `LIKE '%…%'` test over those few rows, and finds exactly
what the scan found, for a word of one character as for a long one (a trigram index cannot serve the one- and
two-character words Chinese is full of: 融资, 用地). Letters are folded to lower case (ASCII only, the same in
Python and in SQL) so that a case-insensitive match is found too.

Where the grams live:
- PostgreSQL: a GIN index on the SQL function `guanjia_grams(text)` (text[]); a word is looked for with
  `guanjia_grams(column) @> ARRAY[…]`. The index is kept by PostgreSQL itself.
- SQLite: a contentless FTS5 table per searched table, kept by triggers that call `guanjia_grams`, a
  function this module registers on every connection Django opens. Each gram is stored as the hex of its
  UTF-8 bytes, one ASCII token that no tokenizer splits or folds.
"""

from __future__ import annotations

import string

_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def grams(text: str | None) -> list[str]:
    """Every distinct one- and two-character piece of `text` (ASCII letters lower-cased), in order of first sight."""
    text = (text or "").translate(_LOWER)
    pieces = [*text, *(text[i:i + 2] for i in range(len(text) - 1))]
    return list(dict.fromkeys(pieces))


def word_grams(word: str) -> list[str]:
    """The grams a text must hold to contain `word`: its one character, or its two-character pieces."""
    word = word.translate(_LOWER)
    if len(word) == 1:
        return [word]
    return list(dict.fromkeys(word[i:i + 2] for i in range(len(word) - 1)))


def token(gram: str) -> str:
    return gram.encode().hex()


def sqlite_grams(text: str | None) -> str:
    """The FTS5 document of `text`: its grams as tokens (the SQL function `guanjia_grams` on SQLite)."""
    return " ".join(token(g) for g in grams(text))


def sqlite_match(word: str) -> str:
    """The FTS5 query for the rows whose text holds every gram of `word`."""
    return " AND ".join(token(g) for g in word_grams(word))


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """Give a new SQLite connection `guanjia_grams(text)`, which the index's triggers call."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("guanjia_grams", 1, sqlite_grams, deterministic=True)
