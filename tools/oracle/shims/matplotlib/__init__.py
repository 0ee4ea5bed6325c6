"""Stand-in for matplotlib: imported by utils/wild_360.py, used only for optional plots (save_fig)."""
