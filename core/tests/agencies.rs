//! Agency recognition: names with commas and `và`, groups, abbreviations, separators.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed unwrap is a failed test

use tuanthu::ingest::{recognize_agencies, recognize_agency};
use tuanthu::model::{AgencyGroup, AgencyRef};

/// `name` for an agency, `group:name` for a group.
fn show(a: &AgencyRef) -> String {
    match a {
        AgencyRef::Agency { name, .. } => name.clone(),
        AgencyRef::Group { group, name, .. } => {
            let g = match group {
                AgencyGroup::Departments => "departments",
                AgencyGroup::Communes => "communes",
                AgencyGroup::Press => "press",
                AgencyGroup::Related => "related",
                AgencyGroup::PublicServiceUnits => "public_service_units",
                AgencyGroup::ArmedForces => "armed_forces",
                AgencyGroup::Enterprises => "enterprises",
                AgencyGroup::MassOrganisations => "mass_organisations",
                AgencyGroup::Schools => "schools",
            };
            format!("{g}:{name}")
        }
    }
}

#[rustfmt::skip]
const LISTS: &[(&str, &[&str])] = &[
    ("Sở Văn hóa, Thể thao và Du lịch", &["Sở Văn hóa, Thể thao và Du lịch"]),
    ("Sở VHTTDL", &["Sở Văn hóa, Thể thao và Du lịch"]),
    ("Sở Văn hoá, Thể thao và Du lịch tỉnh", &["Sở Văn hóa, Thể thao và Du lịch"]),
    ("Báo và Phát thanh, Truyền hình tỉnh", &["Báo và Phát thanh, Truyền hình tỉnh"]),
    ("Báo và phát thanh, truyền hình Vĩnh Long", &["Báo và Phát thanh, Truyền hình Vĩnh Long"]),
    ("các sở, ban, ngành tỉnh", &["departments:các sở, ban, ngành tỉnh"]),
    ("Các sở, ban, ngành, cơ quan thuộc UBND tỉnh", &["departments:các sở, ban, ngành, cơ quan thuộc UBND tỉnh"]),
    ("UBND các xã, phường", &["communes:UBND các xã, phường"]),
    ("Ủy ban nhân dân xã, phường", &["communes:Ủy ban nhân dân xã, phường"]),
    ("các cơ quan, đơn vị có liên quan", &["related:các cơ quan, đơn vị có liên quan"]),
    ("các cơ quan báo chí, truyền thông", &["press:các cơ quan báo chí, truyền thông"]),
    ("Công an tỉnh; Sở Khoa học và Công nghệ; Sở Tư pháp", &["Công an tỉnh", "Sở Khoa học và Công nghệ", "Sở Tư pháp"]),
    ("Công an thành phố, Sở Tài chính và Sở Xây dựng", &["Công an thành phố", "Sở Tài chính", "Sở Xây dựng"]),
    ("Sở Tư pháp, Sở Giáo dục và Đào tạo, Sở Văn hóa, Thể thao và Du lịch, Báo và Phát thanh, Truyền hình tỉnh, các sở, ban, ngành, cơ quan thuộc UBND tỉnh và UBND các xã, phường.",
     &["Sở Tư pháp", "Sở Giáo dục và Đào tạo", "Sở Văn hóa, Thể thao và Du lịch", "Báo và Phát thanh, Truyền hình tỉnh",
       "departments:các sở, ban, ngành, cơ quan thuộc UBND tỉnh", "communes:UBND các xã, phường"]),
    ("Các sở, ban, ngành tỉnh, UBND các xã, phường và các cơ quan, đơn vị có liên quan trên địa bàn tỉnh.",
     &["departments:các sở, ban, ngành tỉnh", "communes:UBND các xã, phường", "related:các cơ quan, đơn vị có liên quan trên địa bàn tỉnh"]),
    ("Văn phòng Ủy ban nhân dân tỉnh, Thanh tra tỉnh, Bộ Chỉ huy Quân sự tỉnh", &["Văn phòng Ủy ban nhân dân tỉnh", "Thanh tra tỉnh", "Bộ Chỉ huy Quân sự tỉnh"]),
    ("Văn phòng UBND tỉnh", &["Văn phòng Ủy ban nhân dân tỉnh"]),
    ("Sở Nông nghiệp và Môi trường; Sở Dân tộc và Tôn giáo; Sở Ngoại vụ; Sở Công Thương; Sở Nội vụ; Sở Y tế",
     &["Sở Nông nghiệp và Môi trường", "Sở Dân tộc và Tôn giáo", "Sở Ngoại vụ", "Sở Công Thương", "Sở Nội vụ", "Sở Y tế"]),
    ("Công an tỉnh rà soát các văn bản; các sở, ban, ngành tỉnh, UBND các xã, phường rà soát văn bản thuộc phạm vi quản lý",
     &["Công an tỉnh", "departments:các sở, ban, ngành tỉnh", "communes:UBND các xã, phường"]),
    ("Thủ trưởng các sở, ban, ngành và Chủ tịch UBND các xã, phường chịu trách nhiệm", &["departments:các sở, ban, ngành", "communes:UBND các xã, phường"]),
    ("Các sở, ban, ngành và đơn vị có liên quan tham mưu UBND tỉnh", &["departments:các sở, ban, ngành", "related:đơn vị có liên quan"]),
    ("UBND phường Long Châu", &["Ủy ban nhân dân phường Long Châu"]),
    ("Sở Thông tin và Truyền thông", &["Sở Thông tin và Truyền thông"]),
    ("Sở Lao động - Thương binh và Xã hội", &["Sở Lao động - Thương binh và Xã hội"]),
    ("Bộ Công an, Thủ tướng Chính phủ", &["Bộ Công an", "Thủ tướng Chính phủ"]),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", &["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"]),
    ("Ban Quản lý dự án Đầu tư xây dựng tỉnh", &["Ban Quản lý dự án Đầu tư xây dựng tỉnh"]),
    ("các xã, phường, đặc khu", &["communes:các xã, phường, đặc khu"]),
    ("Công an TP", &["Công an thành phố"]),
    // Groups of the two-level local government (2025), qualifiers kept.
    ("các sở, ban, ngành tỉnh có liên quan", &["departments:các sở, ban, ngành tỉnh có liên quan"]),
    ("UBND các xã, phường trên địa bàn tỉnh", &["communes:UBND các xã, phường trên địa bàn tỉnh"]),
    ("các đơn vị sự nghiệp công lập thuộc UBND tỉnh", &["public_service_units:các đơn vị sự nghiệp công lập thuộc UBND tỉnh"]),
    ("lực lượng vũ trang tỉnh", &["armed_forces:lực lượng vũ trang tỉnh"]),
    ("các đơn vị quân đội, công an các xã, phường", &["armed_forces:các đơn vị quân đội, công an các xã, phường"]),
    ("các doanh nghiệp nhà nước trên địa bàn tỉnh", &["enterprises:các doanh nghiệp nhà nước trên địa bàn tỉnh"]),
    ("Mặt trận Tổ quốc và các tổ chức chính trị - xã hội tỉnh", &["mass_organisations:Mặt trận Tổ quốc và các tổ chức chính trị - xã hội tỉnh"]),
    ("các hội, đoàn thể", &["mass_organisations:các hội, đoàn thể"]),
    ("các trường học, cơ sở giáo dục trên địa bàn tỉnh", &["schools:các trường học, cơ sở giáo dục trên địa bàn tỉnh"]),
    ("các cơ quan báo chí, lực lượng vũ trang tỉnh", &["press:các cơ quan báo chí", "armed_forces:lực lượng vũ trang tỉnh"]),
    // A group's own qualifier says which members are meant: kept.
    ("Các doanh nghiệp viễn thông trên địa bàn tỉnh", &["enterprises:các doanh nghiệp viễn thông trên địa bàn tỉnh"]),
    ("Sở Tư pháp, các doanh nghiệp viễn thông, Công an tỉnh", &["Sở Tư pháp", "enterprises:các doanh nghiệp viễn thông", "Công an tỉnh"]),
    ("các trường đại học và Sở Y tế", &["schools:các trường đại học", "Sở Y tế"]),
    ("UBND các xã, phường và đặc khu", &["communes:UBND các xã, phường và đặc khu"]),
    ("Ban Chỉ huy Quân sự các xã, phường", &["armed_forces:Ban Chỉ huy Quân sự các xã, phường"]),
    // Abbreviations written with `&`, and of the bodies of the two-level government.
    ("Sở KH&CN, Sở GD&ĐT", &["Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo"]),
    ("Sở TT&TT; Sở NN&MT", &["Sở Thông tin và Truyền thông", "Sở Nông nghiệp và Môi trường"]),
    ("Văn phòng Đoàn ĐBQH và HĐND tỉnh", &["Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh"]),
    // Bodies of the province after the 2025 reform, names with `và` and commas whole.
    ("Ban Tuyên giáo và Dân vận Tỉnh ủy, Văn phòng Tỉnh ủy", &["Ban Tuyên giáo và Dân vận Tỉnh ủy", "Văn phòng Tỉnh ủy"]),
    ("Ban Chỉ đạo phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số tỉnh; Công an tỉnh",
     &["Ban Chỉ đạo phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số tỉnh", "Công an tỉnh"]),
    ("Hội Nông dân tỉnh, Hội Liên hiệp Phụ nữ tỉnh và Hội Cựu chiến binh tỉnh",
     &["Hội Nông dân tỉnh", "Hội Liên hiệp Phụ nữ tỉnh", "Hội Cựu chiến binh tỉnh"]),
    ("Bảo hiểm xã hội tỉnh, Thuế tỉnh, Trường Chính trị tỉnh", &["Bảo hiểm xã hội tỉnh", "Thuế tỉnh", "Trường Chính trị tỉnh"]),
    ("Trung tâm Giám sát, điều hành đô thị thông minh tỉnh", &["Trung tâm Giám sát, điều hành đô thị thông minh"]),
    // A unit with the body it belongs to is the unit.
    ("Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao Công an tỉnh, Sở Tư pháp",
     &["Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao", "Sở Tư pháp"]),
];

/// An unknown item of a list, first, in the middle or last: kept verbatim, and the items after it
/// are not lost.
#[rustfmt::skip]
const UNKNOWN_IN_LISTS: &[(&str, &[&str])] = &[
    ("Hiệp hội Doanh nghiệp tỉnh, Sở Tư pháp, Công an tỉnh", &["Hiệp hội Doanh nghiệp tỉnh", "Sở Tư pháp", "Công an tỉnh"]),
    ("Sở Tư pháp, Hiệp hội Doanh nghiệp tỉnh, Công an tỉnh", &["Sở Tư pháp", "Hiệp hội Doanh nghiệp tỉnh", "Công an tỉnh"]),
    ("Sở Tư pháp, Công an tỉnh và Hiệp hội Doanh nghiệp tỉnh", &["Sở Tư pháp", "Công an tỉnh", "Hiệp hội Doanh nghiệp tỉnh"]),
    ("Sở Tư pháp, các hợp tác xã, Công an tỉnh", &["Sở Tư pháp", "các hợp tác xã", "Công an tỉnh"]),
    ("các hợp tác xã, các sở, ban, ngành tỉnh có liên quan, UBND các xã, phường trên địa bàn tỉnh",
     &["các hợp tác xã", "departments:các sở, ban, ngành tỉnh có liên quan", "communes:UBND các xã, phường trên địa bàn tỉnh"]),
    ("các sở, ban, ngành tỉnh có liên quan, Quỹ Đầu tư phát triển tỉnh, UBND các xã, phường trên địa bàn tỉnh",
     &["departments:các sở, ban, ngành tỉnh có liên quan", "Quỹ Đầu tư phát triển tỉnh", "communes:UBND các xã, phường trên địa bàn tỉnh"]),
    ("UBND các xã, phường trên địa bàn tỉnh, Sở Tư pháp, Nhà Văn hóa Thanh niên", &["communes:UBND các xã, phường trên địa bàn tỉnh", "Sở Tư pháp", "Nhà Văn hóa Thanh niên"]),
    // A named unit is not its group.
    ("Sở Tư pháp, Công an xã Long Phú, Công an tỉnh", &["Sở Tư pháp", "Công an xã Long Phú", "Công an tỉnh"]),
    ("Công an xã, phường, Sở Tư pháp", &["armed_forces:Công an xã, phường", "Sở Tư pháp"]),
];

#[test]
fn unknown_items_never_cut_a_list_short() {
    let mut failures = Vec::new();
    for (text, want) in UNKNOWN_IN_LISTS {
        let got: Vec<String> = recognize_agencies(text).iter().map(show).collect();
        if got != *want {
            failures.push(format!("{text:?}\n    want {want:?}\n    got  {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The rest of a sentence after its subject is not a party.
#[test]
fn prose_after_a_list_is_not_a_party() {
    for (text, want) in [
        (
            "Công an tỉnh chủ trì, phối hợp với Sở Tư pháp",
            vec!["Công an tỉnh"],
        ),
        (
            "Công an tỉnh rà soát các văn bản, báo cáo UBND tỉnh",
            vec!["Công an tỉnh"],
        ),
        (
            "Sở Tư pháp, theo chức năng, nhiệm vụ được giao",
            vec!["Sở Tư pháp"],
        ),
        ("Sở Tư pháp, trong năm 2026", vec!["Sở Tư pháp"]),
    ] {
        let got: Vec<String> = recognize_agencies(text).iter().map(show).collect();
        assert_eq!(got, want, "{text}");
    }
}

#[test]
fn agency_lists() {
    let mut failures = Vec::new();
    for (text, want) in LISTS {
        let got: Vec<String> = recognize_agencies(text).iter().map(show).collect();
        if got != *want {
            failures.push(format!("{text:?}\n    want {want:?}\n    got  {got:?}"));
        }
    }
    assert!(LISTS.len() >= 20);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn written_form_is_kept_when_it_differs() {
    match recognize_agency("Sở VHTTDL").unwrap() {
        AgencyRef::Agency { name, text } => {
            assert_eq!(name, "Sở Văn hóa, Thể thao và Du lịch");
            assert_eq!(text.as_deref(), Some("Sở VHTTDL"));
        }
        other => panic!("{other:?}"),
    }
    match recognize_agency("Công an tỉnh").unwrap() {
        AgencyRef::Agency { text, .. } => assert_eq!(text, None),
        other => panic!("{other:?}"),
    }
}

#[test]
fn single_names_and_non_names() {
    assert!(recognize_agency("Sở Tư pháp").is_some());
    assert!(recognize_agency("tổ chức tuyên truyền").is_none());
    assert!(recognize_agency("Công an tỉnh và Sở Tư pháp").is_none());
    assert!(recognize_agencies("").is_empty());
    assert!(recognize_agencies("Năm 2026 và các năm tiếp theo").is_empty());
}

mod lists_never_cut_short {
    use super::show;
    use proptest::prelude::*;
    use tuanthu::ingest::recognize_agencies;

    /// Items as written and as read (`group:name` for groups).
    const ITEMS: &[(&str, &str)] = &[
        ("Sở Tư pháp", "Sở Tư pháp"),
        ("Công an tỉnh", "Công an tỉnh"),
        (
            "Sở Văn hóa, Thể thao và Du lịch",
            "Sở Văn hóa, Thể thao và Du lịch",
        ),
        (
            "Báo và Phát thanh, Truyền hình tỉnh",
            "Báo và Phát thanh, Truyền hình tỉnh",
        ),
        (
            "các sở, ban, ngành tỉnh có liên quan",
            "departments:các sở, ban, ngành tỉnh có liên quan",
        ),
        (
            "UBND các xã, phường trên địa bàn tỉnh",
            "communes:UBND các xã, phường trên địa bàn tỉnh",
        ),
        (
            "các đơn vị sự nghiệp công lập",
            "public_service_units:các đơn vị sự nghiệp công lập",
        ),
        (
            "lực lượng vũ trang tỉnh",
            "armed_forces:lực lượng vũ trang tỉnh",
        ),
        (
            "các doanh nghiệp nhà nước",
            "enterprises:các doanh nghiệp nhà nước",
        ),
        (
            "các tổ chức chính trị - xã hội tỉnh",
            "mass_organisations:các tổ chức chính trị - xã hội tỉnh",
        ),
        ("các trường học", "schools:các trường học"),
        // Not in the gazetteer: kept verbatim.
        ("Hiệp hội Doanh nghiệp tỉnh", "Hiệp hội Doanh nghiệp tỉnh"),
        ("Quỹ Đầu tư phát triển tỉnh", "Quỹ Đầu tư phát triển tỉnh"),
        ("các hợp tác xã", "các hợp tác xã"),
        ("Nhà Văn hóa Thanh niên", "Nhà Văn hóa Thanh niên"),
    ];

    fn list() -> impl Strategy<Value = (Vec<usize>, Vec<usize>)> {
        // Distinct items (a list names each party once), and a separator before each but the first.
        (2usize..6).prop_flat_map(|n| {
            (
                Just((0..ITEMS.len()).collect::<Vec<usize>>()).prop_shuffle(),
                proptest::collection::vec(0usize..3, n),
            )
                .prop_map(move |(order, seps)| (order.into_iter().take(n).collect(), seps))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Whatever the order and separators (`,` `;` `và`), every item is read, in order.
        #[test]
        fn every_item_is_read_in_order((items, seps) in list()) {
            let mut text = String::new();
            for (k, &i) in items.iter().enumerate() {
                if k > 0 {
                    // `và` only before the last item, as lists are written.
                    let sep = match seps[k] {
                        0 => ", ",
                        1 => "; ",
                        _ if k + 1 == items.len() => " và ",
                        _ => ", ",
                    };
                    text.push_str(sep);
                }
                text.push_str(ITEMS[i].0);
            }
            text.push('.');
            let got: Vec<String> = recognize_agencies(&text).iter().map(show).collect();
            let want: Vec<&str> = items.iter().map(|&i| ITEMS[i].1).collect();
            prop_assert_eq!(got, want, "{}", text);
        }
    }
}
