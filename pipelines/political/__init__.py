"""Political bodies (kommunfullmäktige, kommunstyrelse, utskott, nämnder): the meeting card with
members and ärenden, what Kommunallagen 5 kap. 67 § requires a protocol to show captured from the
transcript (yrkanden, propositionsordning, omröstning, reservation, jäv, protokollsanteckning), and
the §-layout export."""
