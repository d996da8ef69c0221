"""Distinctive title words: script unification, segmentation, the stop-word rule, and the log-odds
estimator with an informative Dirichlet prior, checked on a simulated corpus with one planted word."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wechat_study import titles as tt


def test_script_is_unified_before_segmenting():
    words = tt.title_words(pd.Series(["學生參加會議", "学生参加会议"]))
    assert words.iloc[0] == words.iloc[1]
    assert "学生" in words.iloc[0]


def test_the_stop_word_rule_drops_punctuation_numbers_and_function_words():
    assert tt.words("2019年，我们的学生！！ 10 万 第三 Trump?") == ["学生", "trump"]
    assert not tt.is_content_word("，") and not tt.is_content_word("3.5%") and not tt.is_content_word("十二月")
    assert not tt.is_content_word("年") and not tt.is_content_word("👍")
    assert tt.is_content_word("疫苗") and tt.is_content_word("党")


def test_log_odds_is_antisymmetric_and_zero_without_a_difference():
    a = pd.Series([10, 1, 5, 40], index=list("wxyz"))
    b = pd.Series([20, 2, 10, 80], index=list("wxyz"))
    ab, ba = tt.log_odds(a, b, 100.0), tt.log_odds(b, a, 100.0)
    np.testing.assert_allclose(ab["delta"], -ba["delta"])
    np.testing.assert_allclose(ab["se"], ba["se"])
    # same relative frequencies in both groups (b = 2a): every log-odds is 0
    np.testing.assert_allclose(ab["delta"], 0, atol=1e-12)
    with pytest.raises(ValueError, match="rows"):
        tt.log_odds([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="at least once"):
        tt.log_odds([1, 0], [1, 0])


def _corpus(seed: int, planted: str | None):
    """600 titles of four words drawn from the same 60-word vocabulary for groups a and b, 40 accounts each;
    ``planted`` is added to a third of group a's titles."""
    rng = np.random.default_rng(seed)
    vocab = [f"词{i:02d}" for i in range(60)]
    n = 600
    group = np.where(np.arange(n) < n // 2, "a", "b")
    tokens = [list(rng.choice(vocab, 4)) for _ in range(n)]
    if planted:
        for i in range(0, n // 2, 3):
            tokens[i].append(planted)
    accounts = [f"{g}{rng.integers(40)}" for g in group]
    return tt.word_table(pd.Series(tokens), pd.Series(group), pd.Series(accounts))


def test_a_planted_word_is_found_in_its_group_and_only_there():
    table = _corpus(0, "植入")
    top = tt.distinctive_words(table, "a", prior_tokens=100.0, min_accounts=5, top=5)
    assert top["word"].iloc[0] == "植入"
    assert top["z"].iloc[0] > 5 and top["ci_low"].iloc[0] > 0 and top["z_accounts"].iloc[0] > 3
    every = tt.distinctive_words(table, "a", prior_tokens=100.0, min_accounts=1, top=None)
    others = every[every["word"] != "植入"]
    assert (others["z"].abs() < tt.bonferroni_z(len(every), 0.05 / 2)).all()  # no false discovery among the rest
    assert "植入" not in set(tt.distinctive_words(table, "b", 100.0, 1, top=None).head(20)["word"])


def test_without_a_planted_word_nothing_passes_the_bonferroni_line():
    summary = tt.distinctive_summary(_corpus(1, None), prior_tokens=100.0, min_accounts=1)
    assert summary["words_distinctive"].tolist() == [0, 0]
    assert summary["titles"].tolist() == [300, 300]


def test_min_accounts_keeps_one_accounts_series_name_out():
    table = _corpus(2, None)
    series = pd.DataFrame({"title": range(40), "group": "a", "account": "a_single", "word": "专栏"})
    table = pd.concat([table, series], ignore_index=True)
    shown = tt.distinctive_words(table, "a", prior_tokens=100.0, min_accounts=5, top=None)
    assert "专栏" not in set(shown["word"])
    assert "专栏" in set(tt.distinctive_words(table, "a", 100.0, 1, top=None)["word"])


def test_word_counts_by_account_count_each_account_once():
    tokens = pd.Series([["甲", "乙"], ["甲", "甲"], ["甲"]])
    table = tt.word_table(tokens, pd.Series(["g", "g", "g"]), pd.Series(["x", "x", "y"]))
    assert tt.word_counts(table)["g"].to_dict() == {"乙": 1, "甲": 3}
    assert tt.word_counts(table, unit="account")["g"].to_dict() == {"乙": 1, "甲": 2}
    with pytest.raises(ValueError, match="unit"):
        tt.word_counts(table, unit="word")


def test_prior_sensitivity_reports_shared_top_words():
    s = tt.prior_sensitivity(_corpus(0, "植入"), "a", [10.0, 100.0], reference=100.0, min_accounts=1, top=5)
    assert s.loc[s["prior_tokens"] == 100.0, "shared"].item() == 5


def test_word_list_and_chart_show_single_words_with_their_gloss():
    from wechat_study import charts

    top = pd.DataFrame({"reason": "violation", "word": ["中国", "某词"], "gloss": ["China", ""], "titles": [9, 6],
                        "accounts": [7, 5], "delta": [1.2, 0.4], "ci_low": [0.8, -0.1], "ci_high": [1.6, 0.9],
                        "z": [6.0, 1.5], "z_accounts": [5.0, 1.2], "z_bonferroni": 3.0})
    assert tt.word_list(top, "violation") == "中国 'China' (z = 6.0)"
    assert tt.word_list(top, "violation", past_line=False).endswith("某词 (z = 1.5)")
    assert tt.word_list(top, "complaint") == "none"
    spec = charts.distinctive_words_chart(top, "violation").to_dict()
    values = next(iter(spec["datasets"].values()))
    assert [v["word"] for v in values] == ["中国 (China)", "某词"]
