"""Games for the dynamics tests, built from the formulas of MODELS.md, independently of the package's constructors."""

import numpy as np


def bm1_matrices(*, dR, alpha, C, E, L, W, F):
    """BM1 payoff matrices (rows/cols = C, N) written out from MODELS.md §2, base revenues 0."""
    C, E, L, W, F = (np.broadcast_to(np.asarray(v, float), (2,)) for v in (C, E, L, W, F))
    A = np.array([[alpha * dR - C[0] + W[0], -C[0] - L[0] + W[0]],
                  [E[0] - F[0], -F[0]]])
    B = np.array([[(1 - alpha) * dR - C[1] + W[1], E[1] - F[1]],
                  [-C[1] - L[1] + W[1], -F[1]]])
    return A, B


def xinan_matrices(*, b_U, C_U, S, M, Mp, F_U, F_D, B_D, Ls_D):
    """BM2 payoff matrices (rows U: P, N; cols D: A, R) from MODELS.md §3."""
    A = np.array([[b_U - C_U + M + S, b_U - C_U], [-F_U - Mp, -F_U]])
    B = np.array([[B_D - M, B_D - F_D], [-Ls_D + Mp, -Ls_D]])
    return A, B


def worked(W, F):
    return bm1_matrices(dR=6.0, alpha=0.5, C=4.0, E=2.0, L=1.0, W=W, F=F)
