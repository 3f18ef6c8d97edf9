import pytest

from cobrowse.errors import CodeError
from cobrowse.session.codes import SessionCode, draw_secret, parse_code, validate_nameplate


@pytest.mark.parametrize(
    "typed",
    [
        "123 456 789",
        "123456789",
        "123-456-789",
        " 123  456789 ",
        "123\u2013456\u2013789",
        "123.456.789",
    ],
)
def test_parse_tolerates_spaces_and_dashes(typed: str) -> None:
    code = parse_code(typed)
    assert (code.nameplate, code.secret) == ("123", "456789")
    assert code.display() == "123 456 789"


@pytest.mark.parametrize(
    "typed, says",
    [
        ("", "Type the 9-digit code"),
        ("12345678", "1 missing"),
        ("1234567890", "1 too many"),
        ("123 45a 789", "only contain digits"),
        ("１２３４５６７８９", "only contain digits"),  # full-width digits are not ASCII
    ],
)
def test_parse_errors_say_what_is_wrong(typed: str, says: str) -> None:
    with pytest.raises(CodeError, match=says):
        parse_code(typed)


def test_code_repr_hides_secret() -> None:
    code = SessionCode("042", "987654")
    assert "987654" not in repr(code) and "987654" not in str(code)


def test_draw_secret_uses_given_rng() -> None:
    digits = iter([1, 2, 3, 4, 5, 6])
    assert draw_secret(lambda n: next(digits)) == "123456"


def test_nameplate_validation() -> None:
    assert validate_nameplate("007") == "007"
    for bad in ("7", "0077", "abc", "٣٣٣"):
        with pytest.raises(CodeError):
            validate_nameplate(bad)
