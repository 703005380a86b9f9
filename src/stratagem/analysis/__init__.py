"""Analysis of forecasts: narratives, coalitions, compatibility."""
