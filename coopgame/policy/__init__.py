"""Policy layer: sharing rules for a cooperation fund and their side-by-side analysis."""
