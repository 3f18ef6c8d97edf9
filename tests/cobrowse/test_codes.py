import pytest

from cobrowse.errors import CodeError
from cobrowse.session.codes import SessionCode, draw_secret, parse_code, validate_nameplate


@pytest.mark.parametrize(
    "typed",
    [
        "1234 567 890",
        "1234567890",
        "1234-567-890",
        " 1234  567890 ",
        "1234\u2013567\u2013890",
        "1234.567.890",
    ],
)
def test_parse_tolerates_spaces_and_dashes(typed: str) -> None:
    code = parse_code(typed)
    assert (code.nameplate, code.secret) == ("1234", "567890")
    assert code.display() == "1234 567 890"


@pytest.mark.parametrize(
    "typed, says",
    [
        ("", "Type the 10-digit code"),
        ("123456789", "1 missing"),
        ("12345678901", "1 too many"),
        ("1234 56a 890", "only contain digits"),
        ("１２３４５６７８９０", "only contain digits"),  # full-width digits are not ASCII
    ],
)
def test_parse_errors_say_what_is_wrong(typed: str, says: str) -> None:
    with pytest.raises(CodeError, match=says):
        parse_code(typed)


def test_code_repr_hides_secret() -> None:
    code = SessionCode("0042", "987654")
    assert "987654" not in repr(code) and "987654" not in str(code)


def test_draw_secret_uses_given_rng() -> None:
    digits = iter([1, 2, 3, 4, 5, 6])
    assert draw_secret(lambda n: next(digits)) == "123456"


def test_nameplate_validation() -> None:
    assert validate_nameplate("0007") == "0007"
    for bad in ("7", "007", "00077", "abcd", "٣٣٣٣"):
        with pytest.raises(CodeError):
            validate_nameplate(bad)
