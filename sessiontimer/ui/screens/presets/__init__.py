"""The screens that change the config: presets, the phase editor, note keys."""
