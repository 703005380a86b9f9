"""Uncertainty: uncertain inputs, Monte Carlo ensembles and sensitivity analysis."""
