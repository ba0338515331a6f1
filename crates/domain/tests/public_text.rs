//! Golden tests of public masking (公开文本脱敏): real-looking complaint texts and
//! replies, as they would leave for Open311, the lookup page or the public catalog.

use xiezhi_domain::mask::{address, public_text};

#[test]
fn phones_ids_and_cards_are_masked_in_every_spelling() {
    let cases = [
        ("联系电话13812345678。", "联系电话138******78。"),
        ("联系电话138-1234-5678。", "联系电话138-****-**78。"),
        ("电话 138 1234 5678", "电话 138 **** **78"),
        ("电话１３８１２３４５６７８", "电话１３８******７８"),
        ("电话 １３８ １２３４ ５６７８", "电话 １３８ **** **７８"),
        ("电话138－1234－5678", "电话138－****－**78"),
        ("座机0571-88886666", "座机057*-******66"),
        ("身份证330102199001011234", "身份证330*************34"),
        ("身份证33010219900101123X", "身份证330*************3X"),
        (
            "身份证３３０１０２１９９００１０１１２３ｘ",
            "身份证３３０*************３ｘ",
        ),
        ("卡号6222 0212 3456 7890 123", "卡号622* **** **** **** *23"),
        ("+86 138 1234 5678", "+86 1** **** **78"),
        ("电话138.1234.5678", "电话138.****.**78"),
        ("tel13812345678", "tel138******78"),
        ("QQ12345678", "QQ123***78"),
    ];
    for (text, want) in cases {
        assert_eq!(public_text(text), want, "{text}");
    }
}

#[test]
fn dates_amounts_codes_and_short_numbers_are_kept() {
    for text in [
        "于2026-12-05到场核查",
        "于2026/12/05到场核查",
        "于2026.12.5到场核查",
        "于2026年12月5日前整改",
        "罚款1500000元",
        "受理编号L2026120500001",
        "3幢201室",
        "每天晚上10点以后",
        "依据《中华人民共和国食品安全法》第一百二十二条",
    ] {
        assert_eq!(public_text(text), text);
    }
}

#[test]
fn e_mail_keeps_only_its_first_character_and_domain() {
    assert_eq!(
        public_text("邮箱zhang.wei@example.com.cn，请回复"),
        "邮箱z***@example.com.cn，请回复"
    );
    assert_eq!(public_text("在@某人"), "在@某人");
}

#[test]
fn person_names_are_masked_and_places_laws_and_bodies_are_not() {
    let cases = [
        (
            "我叫张伟，邻居李建国家的狗每天晚上叫。",
            "我叫张*，邻居李**家的狗每天晚上叫。",
        ),
        (
            "城东街道幸福小区3幢的王秀英在楼道堆放杂物，物业经理刘强不管。",
            "城东街道幸福小区3幢的王**在楼道堆放杂物，物业经理刘*不管。",
        ),
        (
            "经执法队员陈晓明现场核查，已责令当事人赵某某整改。",
            "经执法队员陈**现场核查，已责令当事人赵某某整改。",
        ),
        ("举报人欧阳娜娜反映无证经营。", "举报人欧阳**反映无证经营。"),
        (
            "《不成对的书名号，邻居王秀英堆放杂物",
            "《不成对的书名号，邻居王**堆放杂物",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(public_text(text), want, "{text}");
    }
    for text in [
        "黄河路菜市场占道经营，马路边摆摊。",
        "石家庄来的司机在张家口路口停车",
        "城管局、生态环境局、公安局联合检查",
        "由市场监督管理部门没收违法所得",
        "对未取得食品经营许可从事食品经营活动的行政处罚",
        "未经批准张挂、张贴宣传品",
        "顾客投诉屠宰场林木被砍",
        "王女士反映",
    ] {
        assert_eq!(public_text(text), text);
    }
}

#[test]
fn a_public_address_stops_before_door_building_and_room() {
    assert_eq!(address("余杭区文一西路1500号3幢201室"), "余杭区文一西路**");
    assert_eq!(address("城东街道幸福小区东门"), "城东街道幸福小区东门");
    assert_eq!(address("幸福小区五号楼"), "幸福小区五**");
    assert_eq!(address("12号"), "**");
    assert_eq!(address(""), "");
}
