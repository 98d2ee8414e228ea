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
     &["departments:các sở, ban, ngành tỉnh", "communes:UBND các xã, phường", "related:các cơ quan, đơn vị có liên quan"]),
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
];

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
