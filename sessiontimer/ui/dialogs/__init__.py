"""Every dialog of the app: one base (``modal.Modal``), then one module per job."""
