"""The graph model for conflict resolution (GMCR): options, ordinal preferences, stability.

Decision makers control binary options; a state is a choice of every option; each decision
maker ranks the states (option prioritization, or an explicit ranking). From the moves each
decision maker can make, the analysis finds which states are stable for whom under the
field's solution concepts, which coalitions could leave them, and which can be reached from
the status quo (:mod:`stratagem.conflict.model`, :mod:`stratagem.conflict.stability`).
"""
