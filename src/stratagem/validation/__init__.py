"""Validation: backtests against datasets of real decisions with known outcomes."""
