"""Strategic games built from scenarios: normal and extensive forms, equilibria.

The core computes pure equilibria and backward induction itself; mixed, n-player and
quantal-response equilibria and Gambit files go through :mod:`stratagem.games.gambit`
(the optional extra: pip install 'stratagem[games]').
"""
