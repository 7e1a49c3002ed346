use sinergi_vrptw::{Problem, ProblemError, SolomonError};

const GOOD: &str = "TINY

VEHICLE
NUMBER     CAPACITY
  3         50

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0      0         0          0          0       1000          0
    1      3         4         10          0        100         10
    2      6         8         20         50        200         10
    3      0         5         30          0        300          5
";

fn bad(text: &str) -> (usize, &'static str) {
    match Problem::from_solomon(text) {
        Err(SolomonError::Parse { line, field, .. }) => (line, field),
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn parses_good_file() {
    let p = Problem::from_solomon(GOOD).unwrap();
    assert_eq!(p.name(), "TINY");
    assert_eq!(p.num_customers(), 3);
    assert_eq!(p.num_vehicles(), 3);
    assert_eq!(p.capacity(), 50);
    assert_eq!(p.nodes()[2].demand, 20);
    assert_eq!(p.nodes()[2].ready, 50.0);
    assert_eq!(p.nodes()[2].due, 200.0);
    assert_eq!(p.nodes()[3].service, 5.0);
    assert_eq!(p.dist(0, 1), 5.0);
    assert_eq!(p.time(1, 2), 5.0);
    assert!((p.dist(2, 3) - (36.0f64 + 9.0).sqrt()).abs() < 1e-12);
}

#[test]
fn parses_crlf_and_real_file() {
    let p = Problem::from_solomon(&GOOD.replace('\n', "\r\n")).unwrap();
    assert_eq!(p.num_customers(), 3);
    let c101 = Problem::from_solomon(include_str!("../../../../../shared/data/vrptw/solomon/C101.txt")).unwrap();
    assert_eq!(c101.num_customers(), 100);
    assert_eq!(c101.num_vehicles(), 25);
    assert_eq!(c101.capacity(), 200);
}

#[test]
fn bad_number_names_line_and_field() {
    assert_eq!(bad(&GOOD.replace("  3         50", "  3         5x0")), (5, "CAPACITY"));
    assert_eq!(
        bad(&GOOD.replace("    2      6         8         20", "    2      6         8         zz")),
        (12, "DEMAND")
    );
    assert_eq!(bad(&GOOD.replace("        200         10", "        abc         10")), (12, "DUE DATE"));
}

#[test]
fn missing_field_names_line_and_field() {
    assert_eq!(bad(&GOOD.replace("0        300          5", "0        300")), (13, "SERVICE TIME"));
    assert_eq!(bad(&GOOD.replace("  3         50", "  3")), (5, "CAPACITY"));
}

#[test]
fn bad_structure_names_line() {
    assert_eq!(bad(&GOOD.replace("VEHICLE", "VEHICLES?").replace("VEHICLES?", "TRUCKS")), (3, "VEHICLE"));
    assert_eq!(bad(&GOOD.replace("CUSTOMER\n", "CLIENTS\n")), (7, "CUSTOMER"));
    assert_eq!(bad(""), (1, "name"));
}

#[test]
fn semantic_faults_name_line() {
    assert_eq!(bad(&GOOD.replace("0        300          5", "400        300          5")), (13, "DUE DATE"));
    assert_eq!(bad(&GOOD.replace("0         5         30", "0         5         80")), (13, "DEMAND"));
    assert_eq!(
        bad(&GOOD
            .replace("    1      3         4         10          0", "    1      3         4         10         -4")),
        (11, "READY TIME")
    );
}

#[test]
fn duplicate_id_is_reported() {
    let text = GOOD.replace("    3      0         5", "    2      0         5");
    let r = Problem::from_solomon(&text);
    assert!(matches!(r, Err(SolomonError::Invalid(ProblemError::DuplicateId { node: 3, id: 2 }))), "{r:?}");
}
