"""The serve command's options, the hint without the extra, and the LAN certificate."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from sessiontimer import cli
from sessiontimer.serve import command, tls


def _args(*words: str) -> object:
    return cli.build_parser(["serve", *words]).parse_args(["serve", *words])


def test_by_default_only_loopback_over_http() -> None:
    plan = command.plan(_args())  # type: ignore[arg-type]
    assert isinstance(plan, command.Plan)
    assert plan.bind == "127.0.0.1" and plan.public_url == "http://127.0.0.1:8765"
    assert plan.grace == 600.0
    assert plan.argv[:3] == [sys.executable, "-m", "sessiontimer"]


def test_the_lan_means_https_on_that_address() -> None:
    plan = command.plan(_args("--lan", "127.0.0.2", "--port", "9443", "--grace", "2"))  # type: ignore[arg-type]
    assert isinstance(plan, command.Plan)
    assert plan.bind == "127.0.0.2" and plan.public_url == "https://127.0.0.2:9443"
    assert plan.grace == 120.0


def test_the_config_named_on_the_command_line_goes_to_the_app() -> None:
    args = cli.build_parser(["--config", "/x/c.toml", "serve"]).parse_args(
        ["--config", "/x/c.toml", "serve"]
    )
    plan = command.plan(args)
    assert isinstance(plan, command.Plan) and plan.argv[-2:] == ["--config", "/x/c.toml"]


@pytest.mark.parametrize(
    ("words", "says"),
    [
        (["--lan", "0.0.0.0"], "not 0.0.0.0"),
        (["--lan", "127.0.0.2", "--cert", "c.pem"], "go together"),
        (["--cert", "c.pem", "--key", "k.pem"], "for --lan"),
    ],
)
def test_plans_that_make_no_sense_are_refused(words: list[str], says: str) -> None:
    refused = command.plan(_args(*words))  # type: ignore[arg-type]
    assert isinstance(refused, str) and says in refused


@pytest.mark.parametrize(
    "words",
    [["--lan", "tablet.local"], ["--port", "70000"], ["--port", "x"], ["--grace", "-1"]],
)
def test_bad_values_are_usage_errors(words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["serve", *words])
    assert stop.value.code == 2
    assert words[-1] in capsys.readouterr().err


def test_without_the_extra_serve_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "aiohttp", None)  # as if not installed
    assert cli.main(["serve"]) == 1
    err = capsys.readouterr().err
    assert "pip install 'sessiontimer[serve]'" in err and "Traceback" not in err


def test_the_qr_code_is_drawn_with_block_characters() -> None:
    text = command.qr_text("https://127.0.0.2:8765/?key=abc")
    assert len(text.splitlines()) > 10 and "█" in text


def test_a_self_signed_certificate_is_private_kept_and_remade_for_a_new_address(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "config"
    first = tls.self_signed(folder, "127.0.0.2")
    assert first.made_now
    for path in (first.cert_file, first.key_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert len(first.fingerprint.split(":")) == 32
    again = tls.self_signed(folder, "127.0.0.2")
    assert not again.made_now and again.fingerprint == first.fingerprint
    other = tls.self_signed(folder, "127.0.0.3")
    assert other.made_now and other.fingerprint != first.fingerprint
    assert sorted(p.name for p in folder.iterdir()) == [tls.CERT_NAME, tls.KEY_NAME]
    tls.server_context(other)  # loads


def test_a_planted_symlink_is_not_written_through(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    folder.mkdir(mode=0o700)
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    (folder / tls.CERT_NAME).symlink_to(victim)
    tls.self_signed(folder, "127.0.0.2")
    assert victim.read_text() == "keep me"
    assert not (folder / tls.CERT_NAME).is_symlink()


def test_a_users_certificate_that_does_not_fit_its_key_is_refused(tmp_path: Path) -> None:
    one = tls.self_signed(tmp_path / "a", "127.0.0.2")
    two = tls.self_signed(tmp_path / "b", "127.0.0.2")
    assert tls.users_own(one.cert_file, one.key_file).fingerprint == one.fingerprint
    with pytest.raises(tls.TlsError, match="does not fit"):
        tls.users_own(one.cert_file, two.key_file)
    (tmp_path / "junk.pem").write_text("not a certificate")
    with pytest.raises(tls.TlsError, match="--cert"):
        tls.users_own(tmp_path / "junk.pem", one.key_file)


def test_a_bad_certificate_stops_serve_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "c.pem").write_text("junk")
    (tmp_path / "k.pem").write_text("junk")
    code = cli.main(
        [
            "serve",
            "--lan",
            "127.0.0.2",
            "--cert",
            str(tmp_path / "c.pem"),
            "--key",
            str(tmp_path / "k.pem"),
        ]
    )
    assert code == 1
    assert "c.pem: not a readable PEM certificate" in capsys.readouterr().err
