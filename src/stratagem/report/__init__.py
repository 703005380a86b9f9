"""Reports: matplotlib figures (headless) and a self-contained HTML report."""
