"""sessiontimer: a calm session timer for bodywork practitioners."""

__version__ = "0.1.0"
