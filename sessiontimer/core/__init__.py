"""The pure core: standard library only (tomli on Python 3.10). Never imports textual or rich."""
