"""A sum over a set named by a word (issue 8; lower/sums.py `_index_word`): ``\\sum_{bonds}``
(corpus 086) is read as the indices b, o, n, d, s; where none of them has a range it is
refused naming the word, not the last letter's range. Letters that do have ranges are
indices as before (checked against central finite differences).
"""
from __future__ import annotations

import numpy as np
from helpers import check_gradient, refused


def test_a_sum_over_a_word_is_refused_naming_it():
    doc = r"$K, r, q \in \mathbb{R}$" "\n" r"$V = \sum_{bonds} K (r - q)^2$"
    refused(doc, "r", r"\sum_{bonds} runs over a set named by the word 'bonds'",
            r"\sum_{b \in B}")


def test_the_word_comes_before_an_unknown_name_in_its_terms():
    refused(r"$r \in \mathbb{R}$" "\n" r"$V = \sum_{angles} K_\theta (r - 1)^2$", "r",
            "the word 'angles'")


def test_three_letters_with_ranges_are_three_indices():
    doc = (r"$x \in \mathbb{R}^n, y \in \mathbb{R}^m, z \in \mathbb{R}^p$" "\n"
           r"$$f = \sum_{ijk} x_i^2 y_j z_k$$")
    check_gradient(doc, "x", lambda x, y, z: float(np.sum(x ** 2) * np.sum(y) * np.sum(z)))


def test_two_letters_keep_their_old_message():
    refused(r"$c \in \mathbb{R}$" "\n" r"$$f = \sum_{ab} c$$", "c", "cannot tell the range")


def test_letters_that_index_later_definitions_are_indices():
    # A and B are definitions lowered after the sum meets them: their letters are indices
    doc = (r"$x \in \mathbb{R}^n, y \in \mathbb{R}^m, z \in \mathbb{R}^p$" "\n"
           r"$$A = x y^T$$" "\n" r"$$B = y z^T$$" "\n" r"$$f = \sum_{ijk} A_{ij} B_{jk} z_k$$")
    check_gradient(doc, "x", lambda x, y, z: float(np.sum(np.outer(x, y) @ np.outer(y, z) @ z)))
