"""How the benchmark turns rounds of a page and of the floor, measured in turn and for as long, into the
page's share of the floor (bench/run.py, against_floor): the page's requests over the floor's in the
same time, all rounds together, the median of the rounds' ratios beside it."""

from bench import run


def test_a_slow_stretch_of_the_machine_on_both_sides_keeps_the_share():
    steady = run.shares([300, 300, 300, 300], [600, 600, 600, 600])
    slowed = run.shares([300, 150, 150, 300], [600, 300, 300, 600])
    assert steady["share_of_floor"] == slowed["share_of_floor"] == 0.5
    assert slowed["rps"] == 225 and slowed["floor_rps"] == 450


def test_the_share_is_the_pages_requests_over_the_floors_in_the_same_time():
    # Neither the best round of each (50 %) nor the median of the rounds' ratios (38 %, shown beside it).
    measured = run.shares([300, 100], [600, 400])
    assert measured["share_of_floor"] == 0.4
    assert measured["share_median_of_rounds"] == 0.375 and measured["rounds"] == [0.25, 0.5]


def test_a_page_measured_again_takes_all_its_rounds_together():
    first = {"errors": 0, "fewest_connections_of_a_worker": 7, **run.shares([150, 160], [640, 600])}
    first["page_rps_rounds"], first["floor_rps_rounds"] = [150, 160], [640, 600]
    again = {"errors": 1, "fewest_connections_of_a_worker": 5, **run.shares([190, 180], [630, 600])}
    again["page_rps_rounds"], again["floor_rps_rounds"] = [190, 180], [630, 600]
    combined = run.measure_again_before_calling_it_a_miss("Bureau queue", first, None, lambda: again)
    assert combined["share_of_floor"] == round((150 + 160 + 190 + 180) / (640 + 600 + 630 + 600), 3)
    assert combined["share_first_measurement"] == first["share_of_floor"] == round(310 / 1240, 3)
    assert combined["share_measured_again"] == again["share_of_floor"]
    assert combined["errors"] == 1 and combined["measured_again_because"] == "below its goal of 30%"
    assert combined["fewest_connections_of_a_worker"] == 5
    # A page that meets its goal is not measured again.
    met = {**first, "share_of_floor": 0.31}
    assert run.measure_again_before_calling_it_a_miss("Bureau queue", met, None, lambda: 1 / 0) is met


def test_a_round_in_which_a_worker_held_no_connection_is_counted_as_such():
    both_busy = [{"connections_per_worker": [7, 9]}, {"connections_per_worker": [6, 10]}]
    assert run.fewest_connections(both_busy) == 6
    # All sixteen on one worker: ss lists one process, and the round ran on one core.
    assert run.fewest_connections([*both_busy, {"connections_per_worker": [16]}]) == 0


def _measurement(page_rps, floor_rps, errors=0):
    return {
        "errors": errors,
        "fewest_connections_of_a_worker": 6,
        "page_rps_rounds": page_rps,
        "floor_rps_rounds": floor_rps,
        **run.shares(page_rps, floor_rps),
    }


class _SmallestCity:
    """The smallest city's side of the growth check, as the benchmark keeps it (run.SmallestCity)."""

    largest_size = 5_000

    def __init__(self, again):
        self.again, self.measured = again, []

    def has(self, name):
        return True

    def measure_again(self, name):
        self.measured.append(name)
        return self.again


def test_a_page_that_still_lost_share_is_measured_again_at_the_smallest_size_too():
    baseline = {"version page": _measurement([600, 620], [1000, 1000])}  # 61 %
    first = _measurement([500, 500], [1000, 1000])  # 50 %: loses 18 %
    again = _measurement([520, 500], [1000, 1000])  # still below 55 % all together
    smallest = _SmallestCity(again=_measurement([480, 500], [1000, 1000]))
    measured = run.measure_again_before_calling_it_a_miss("version page", first, baseline, lambda: again, smallest)
    assert smallest.measured == ["version page"]
    assert measured["share_of_floor"] == round(2020 / 4000, 3)
    # The smallest city's share is that of all its rounds: both measurements, none left out.
    assert baseline["version page"]["share_of_floor"] == round((600 + 620 + 480 + 500) / 4000, 3) == 0.55
    assert baseline["version page"]["share_first_measurement"] == 0.61
    assert baseline["version page"]["share_measured_again"] == 0.49
    assert baseline["version page"]["measured_again_because"] == "the growth check at 5,000"
    # The goal compares both sides, each measured twice: 55 % -> 50.5 % loses 8 %.
    value, met = run.growth(2_500, baseline["version page"], measured)
    assert met, value
    assert "and so at 2,500, on a copy of that city: 61%, then 49%" in value


def test_the_acknowledgement_post_measured_again_counts_the_first_acknowledgements_of_both():
    first = {**_measurement([300, 300], [1000, 1000]), "first_acknowledgements": 1800, "repeats": 0, "recycled": 1}
    again = {**_measurement([310, 290], [1000, 1000]), "first_acknowledgements": 1750, "repeats": 3, "recycled": 2}
    combined = run.both_measurements(first, again, "below its goal of 30%")
    assert (combined["first_acknowledgements"], combined["repeats"], combined["recycled"]) == (3550, 3, 3)


def test_a_page_that_met_the_growth_goal_once_measured_again_leaves_the_smallest_city_alone():
    baseline = {"home": _measurement([600, 600], [1000, 1000])}
    first = _measurement([500, 500], [1000, 1000])
    again = _measurement([640, 640], [1000, 1000])  # all together 57 %: loses 5 %
    smallest = _SmallestCity(again=None)
    measured = run.measure_again_before_calling_it_a_miss("home", first, baseline, lambda: again, smallest)
    assert smallest.measured == [] and "share_measured_again" not in baseline["home"]
    assert measured["share_of_floor"] == 0.57


def test_a_smallest_city_page_measured_twice_already_is_not_measured_a_third_time():
    twice = run.both_measurements(
        _measurement([300, 300], [1000, 1000]), _measurement([320, 300], [1000, 1000]), "below its goal of 50%"
    )
    baseline = {"version page": twice}
    smallest = _SmallestCity(again=None)
    first, again = _measurement([200, 200], [1000, 1000]), _measurement([210, 200], [1000, 1000])
    run.measure_again_before_calling_it_a_miss("version page", first, baseline, lambda: again, smallest)
    assert smallest.measured == [] and baseline["version page"] is twice
