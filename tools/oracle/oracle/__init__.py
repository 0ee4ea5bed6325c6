"""Fixture generator for visage4j: runs the original PyTorch reference code (checked out under
--reference, see tools/oracle/README.md) on seeded tiny configurations."""
