from domain.agencies import clean_name, parent_allowed
from domain.roles import AgencyType


def test_a_kejari_belongs_under_a_kejati_only() -> None:
    assert parent_allowed(AgencyType.KEJARI, AgencyType.KEJATI)
    assert not parent_allowed(AgencyType.KEJARI, AgencyType.PEMKOT)
    assert parent_allowed(AgencyType.KEJARI, None)


def test_a_dinas_belongs_to_a_local_government() -> None:
    for parent in (AgencyType.PEMPROV, AgencyType.PEMKAB, AgencyType.PEMKOT):
        assert parent_allowed(AgencyType.DINAS, parent)
    assert not parent_allowed(AgencyType.DINAS, AgencyType.BAPAS)


def test_names_are_tidied_and_bounded() -> None:
    assert clean_name("  Kejaksaan   Negeri\nSamarinda ") == "Kejaksaan Negeri Samarinda"
    assert clean_name("ab") is None
    assert clean_name("x" * 101) is None
    assert clean_name("/batal") is None


def test_an_official_oversees_the_agencies_under_theirs() -> None:
    from domain.agencies import with_descendants

    parents = {1: None, 2: 1, 3: 1, 4: 2, 5: None}  # Kejati 1 > Kejari 2, 3; 2 > 4
    assert with_descendants(parents, [1]) == {1, 2, 3, 4}
    assert with_descendants(parents, [2]) == {2, 4}
    assert with_descendants(parents, [5]) == {5}
    assert with_descendants(parents, []) == set()


def test_each_role_belongs_in_its_kind_of_agency() -> None:
    from domain.agencies import fits
    from domain.roles import Role

    assert fits(Role.JAKSA, AgencyType.KEJARI) and fits(Role.JAKSA, AgencyType.KEJATI)
    assert not fits(Role.JAKSA, AgencyType.BAPAS) and not fits(Role.JAKSA, AgencyType.DINAS)
    assert fits(Role.PK, AgencyType.BAPAS) and not fits(Role.PK, AgencyType.KEJARI)
    for host in (AgencyType.PEMPROV, AgencyType.PEMKAB, AgencyType.PEMKOT, AgencyType.DINAS):
        assert fits(Role.PENGAWAS, host)
    assert not fits(Role.PENGAWAS, AgencyType.KEJARI)
    assert fits(Role.TERPIDANA, AgencyType.KEJARI) and not fits(Role.TERPIDANA, AgencyType.BAPAS)
    assert all(fits(Role.PEJABAT, t) and fits(Role.ADMIN, t) for t in AgencyType)
