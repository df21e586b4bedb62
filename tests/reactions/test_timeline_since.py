"""The merged timeline's bound on boosts (timeline_authors_since): only boosts at or after
the depth-th newest followed author's newest post are read, and none that belongs on the
page is lost."""

from app.extensions import db
from app.models import User
from app.speedups import timeline as merged
from app.speedups.timeline_pages import timeline_page
from tests.paging import every_row
from tests.reactions.test_timeline import boost, plain_timeline, write


def test_a_boost_just_after_the_bound_is_on_the_first_page(app):
    with app.app_context():
        names = ("reader", "a", "b", "c", "d", "stranger")
        people = {name: User(username=name, email=f"{name}@example.com") for name in names}
        db.session.add_all(people.values())
        db.session.flush()
        for name in "abcd":
            people["reader"].follow(people[name])
        old = write(people["stranger"], "old", -600)
        at = {"a": 10, "b": 5 + 5 / 60, "c": 5, "d": 1}  # minutes: b 5 s after c
        posts = {name: write(people[name], name, minute) for name, minute in at.items()}
        boost(people["d"], old, 5 + 10 / 60)  # between b's and a's posts, 10 s after c's
        db.session.commit()
        reader = people["reader"]
        # Page 1 of 2 posts reads 3: the bound is c's post, the third newest author's.
        _, since = merged.timeline_authors_since(reader, 3)
        assert since.replace(tzinfo=None) == posts["c"].timestamp.replace(tzinfo=None)
        expected = plain_timeline(reader)
        assert expected[:2] == [(posts["a"].id, None), (old.id, "d")]
        for per_page in (1, 2, 3):
            rows = every_row(lambda n, size=per_page: timeline_page(reader, n, size))
            assert [(row.id, row.boosted_by) for row in rows] == expected, per_page
