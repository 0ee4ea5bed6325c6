"""Package marker; the reference models/ folder is not searched (only models/bart)."""
