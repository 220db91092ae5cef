"""The prepared-sound cache (issue 13): one private folder, reused across runs, no leftovers."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import pytest

from sessiontimer.audio.cache import SoundCache, cache_key, remove_legacy_folders
from sessiontimer.audio.service import AudioService
from sessiontimer.audio.sound import SoundLibrary
from sessiontimer.audio.system import VisualBackend
from sessiontimer.core.model import AudioSettings, Cue
from sessiontimer.paths import bundled_sounds_dir, sound_cache_dir


def _temp_leftovers() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("sessiontimer-audio-*")}


def test_prepared_sounds_live_in_one_private_cache_folder(private_paths: Path) -> None:
    before = _temp_leftovers()
    service = AudioService(AudioSettings(), [], backends=[VisualBackend()])
    service.prepare([Cue("soft-bell"), Cue("wooden-tap", volume=0.5)], 0.7)
    service.close()
    folder = sound_cache_dir()
    assert folder.is_relative_to(private_paths)  # the test's $SESSIONTIMER_CACHE_DIR
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 2 and files[0].startswith("soft-bell-x0.7-r1-")
    assert all(stat.S_IMODE((folder / f).stat().st_mode) == 0o600 for f in files)
    assert _temp_leftovers() <= before  # nothing new in the temp folder


def test_a_second_run_reuses_the_files_and_keys_by_level() -> None:
    first = SoundLibrary([])
    sound, _ = first.scaled(Cue("soft-bell"), 0.5)
    first.close()
    inode, mtime = sound.wav.stat().st_ino, sound.wav.stat().st_mtime_ns
    second = SoundLibrary([])
    again, _ = second.scaled(Cue("soft-bell"), 0.5)
    louder, _ = second.scaled(Cue("soft-bell"), 0.8)
    second.close()
    assert again.wav == sound.wav
    assert (again.wav.stat().st_ino, again.wav.stat().st_mtime_ns) == (inode, mtime)
    assert louder.wav != sound.wav and louder.wav.parent == sound.wav.parent


def test_a_whole_cached_sound_is_read_back_not_scaled_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Scaling the 20 s bowl costs ~200 ms of the interpreter, and a new session's clock
    waits for its first sound: a second run reads the prepared file instead (a few ms)."""
    from sessiontimer.audio import sound as sound_module
    from sessiontimer.audio.sound import load_wav, scale

    first = SoundLibrary([])
    made, _ = first.scaled(Cue("singing-bowl"), 0.5)
    first.close()

    def no_scaling(*args: object) -> None:
        raise AssertionError("scaled again although the prepared file is whole")

    monkeypatch.setattr(sound_module, "scale", no_scaling)
    second = SoundLibrary([])
    again, _ = second.scaled(Cue("singing-bowl"), 0.5)
    second.close()
    monkeypatch.undo()
    want = scale(load_wav(bundled_sounds_dir() / "singing-bowl.wav").samples, 0.5)
    assert again.samples == want == made.samples and again.wav == made.wav


def test_a_truncated_cache_file_is_written_again() -> None:
    library = SoundLibrary([])
    sound, _ = library.scaled(Cue("wooden-tap"), 1.0)
    library.close()
    with open(sound.wav, "r+b") as f:  # a crash mid-write in an older version
        f.truncate(100)
    library = SoundLibrary([])
    again, _ = library.scaled(Cue("wooden-tap"), 1.0)
    library.close()
    assert again.wav.stat().st_size == 44 + 2 * len(again.samples)


def test_the_key_changes_when_the_sound_file_changes(tmp_path: Path) -> None:
    wav = tmp_path / "mine.wav"
    wav.write_bytes((bundled_sounds_dir() / "wooden-tap.wav").read_bytes())
    key = cache_key(wav, 0.5, 1)
    os.utime(wav, ns=(1, 1))
    assert cache_key(wav, 0.5, 1) != key
    assert cache_key(wav, 0.5, 2) != cache_key(wav, 0.5, 1)


def test_folders_left_by_earlier_versions_are_removed_at_start(tmp_path: Path) -> None:
    temp = tmp_path / "elsewhere"
    temp.mkdir()
    old = temp / "sessiontimer-audio-abc123"
    old.mkdir()
    (old / "x.wav").write_bytes(b"RIFF")
    os.utime(old, (1, 1))
    fresh = temp / "sessiontimer-audio-starting-now"
    fresh.mkdir()
    other = temp / "someone-else"
    other.mkdir()
    os.utime(other, (1, 1))
    target = tmp_path / "keep-me"
    target.mkdir()
    (temp / "sessiontimer-audio-link").symlink_to(target)
    assert remove_legacy_folders(temp) == 1
    assert not old.exists() and fresh.exists() and other.exists() and target.exists()
    assert (temp / "sessiontimer-audio-link").is_symlink()


def test_the_service_removes_the_old_folders_in_the_temp_folder() -> None:
    old = Path(tempfile.mkdtemp(prefix="sessiontimer-audio-"))  # the test's own temp folder
    (old / "x.wav").write_bytes(b"RIFF")
    os.utime(old, (1, 1))
    service = AudioService(AudioSettings(), [], backends=[VisualBackend()])
    service.prepare([], 1.0)  # the audio thread does the housekeeping first
    service.wait_idle(2.0)
    service.close()
    assert not old.exists()


def test_the_cache_is_bounded(tmp_path: Path) -> None:
    cache = SoundCache(tmp_path / "c")
    for i in range(4):
        path = cache.folder / f"s{i}.wav"
        path.write_bytes(b"x" * 1000)
        os.utime(path, (i, i))
    cache.prune(keep_bytes=2500)
    assert sorted(p.name for p in cache.folder.iterdir()) == ["s2.wav", "s3.wav"]


def test_an_unwritable_cache_falls_back_to_a_temporary_folder_removed_at_close(
    tmp_path: Path,
) -> None:
    locked = tmp_path / "not-a-folder"
    locked.write_text("a file where the cache folder's parent should be")
    cache = SoundCache(locked / "sounds")
    folder = cache.folder
    assert folder.is_dir() and not folder.is_relative_to(locked)
    cache.close()
    assert not folder.exists()


def test_close_twice_is_harmless() -> None:
    service = AudioService(AudioSettings(), [], backends=[VisualBackend()])
    service.close()
    service.close()


def test_threads_preparing_the_same_sound_at_once_all_get_it(tmp_path: Path) -> None:
    """Seen under load: two preparations of one sound raced on one temporary name."""
    import threading

    from sessiontimer.audio.sound import load_wav, scale

    cache = SoundCache(tmp_path / "c")
    samples = scale(load_wav(bundled_sounds_dir() / "soft-bell.wav").samples, 0.5)
    errors: list[BaseException] = []

    def store() -> None:
        try:
            for _ in range(5):
                cache.store("same-key", samples, 32000, 1)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=store) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [p.name for p in cache.folder.iterdir()] == ["same-key.wav"]


def test_prune_leaves_a_fresh_temporary_file_alone(tmp_path: Path) -> None:
    cache = SoundCache(tmp_path / "c")
    fresh = cache.folder / ".x.1.1.tmp"
    fresh.write_bytes(b"x")
    stale = cache.folder / ".y.1.1.tmp"
    stale.write_bytes(b"x")
    os.utime(stale, (1, 1))
    cache.prune()
    assert fresh.exists() and not stale.exists()
