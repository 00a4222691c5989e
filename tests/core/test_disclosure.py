from allied.core.disclosure import (
    disclose_count,
    disclose_mean,
    disclose_median,
    disclose_percentage,
    disclose_quantiles,
    rounded_count,
)


def test_counts_of_one_to_seven_are_hidden():
    assert [disclose_count(n) for n in range(1, 8)] == ["*"] * 7


def test_zero_is_shown_as_zero():
    assert disclose_count(0) == "0"


def test_other_counts_are_rounded_to_the_nearest_five():
    assert [disclose_count(n) for n in (8, 10, 12, 13, 17, 18, 102)] == [
        "10",
        "10",
        "10",
        "15",
        "15",
        "20",
        "100",
    ]


def test_percentages_come_from_the_rounded_figures():
    # 12 of 18 is 66.7% raw; from the rounded 10 of 20 it is 50%.
    assert disclose_percentage(12, 18) == "50%"
    assert rounded_count(12) == 10


def test_a_percentage_of_a_hidden_count_is_hidden():
    assert disclose_percentage(3, 40) == "*"
    assert disclose_percentage(30, 5) == "*"
    assert disclose_percentage(0, 0) == "*"


def test_means_and_medians_over_fewer_than_eight_are_suppressed():
    assert disclose_mean([1.0] * 7) is None
    assert disclose_median([1.0] * 7) is None
    assert disclose_quantiles([1.0] * 7) is None
    assert disclose_mean([1.0] * 7 + [9.0]) == 2.0
    assert disclose_median(list(range(8))) == 3.5
