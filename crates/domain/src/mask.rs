//! Masking of personal data (个人信息脱敏) wherever it leaves its owner's view.

/// Mask a phone number: keep the first 3 and last 4 digits (`138****5678`).
pub fn phone(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// Mask a person's name: keep the first character (`张*` / `欧**`).
pub fn name(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count().max(1))),
        None => String::new(),
    }
}

/// Mask an ID number: keep the first 6 and last 4 characters.
pub fn id_number(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

// Text that leaves for the public (公开文本): Open311, the public lookup, the public
// catalog and, later, disclosure all pass through `public_text` (and `address`).

/// Mask personal data in a text meant for the public: phone, ID and bank-card numbers in
/// any spelling (ASCII or full-width digits, spaced or dashed), e-mail addresses, and
/// person names tagged by jieba. Law titles in 《》 and codes such as tracking numbers
/// are kept.
pub fn public_text(text: &str) -> String {
    let numbers = mask_numbers(text);
    let mails = mask_mails(&numbers);
    mask_names(&mails)
}

/// A public address: kept up to the street, village or estate; door, building and room
/// numbers are cut (`文一西路**`).
pub fn address(text: &str) -> String {
    let cut = text
        .char_indices()
        .find(|(_, c)| digit(*c).is_some() || "号栋幢单元室楼层".contains(*c))
        .map(|(i, _)| i);
    match cut {
        Some(0) => "**".to_owned(),
        Some(i) => format!("{}**", mask_names(&text[..i])),
        None => mask_names(text),
    }
}

fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

fn connector(c: char) -> bool {
    matches!(
        c,
        ' ' | '-' | '－' | '—' | '–' | '\u{3000}' | '\u{a0}' | '_' | '.' | '．' | '/' | '／'
    )
}

fn id_check(c: char) -> bool {
    matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ')
}

/// Units after a number that make it an amount or a measure, not a phone or an ID.
const UNITS: &str = "元万亿米吨克斤%％";

/// Mask every run of seven digits or more (connectors between digits allowed), keeping
/// the first three and the last two digits; dates (2026-12-05), amounts (1500000元) and
/// runs that follow a letter (L2026120500001) are kept.
fn mask_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if digit(chars[i]).is_none() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // The run: digits, with up to three connectors between two digits.
        let start = i;
        let mut end = i;
        let mut j = i;
        let mut digits = 0;
        while j < chars.len() {
            if digit(chars[j]).is_some() {
                digits += 1;
                j += 1;
                end = j;
            } else if digits == 17 && id_check(chars[j]) {
                j += 1;
                end = j;
                break;
            } else if connector(chars[j]) {
                let gap = chars[j..].iter().take_while(|c| connector(**c)).count();
                if gap <= 3 && chars.get(j + gap).is_some_and(|c| digit(*c).is_some()) {
                    j += gap;
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        let run = &chars[start..end];
        // A platform number (L2026120500001, AJ2026…): capital letters, then a date.
        let digits: String = run
            .iter()
            .filter_map(|c| digit(*c))
            .filter_map(|d| char::from_digit(d, 10))
            .collect();
        let after_letter = start > 0
            && chars[start - 1].is_ascii_uppercase()
            && digits.len() >= 12
            && digits.starts_with("20");
        let before_unit = chars.get(end).is_some_and(|c| UNITS.contains(*c));
        let counted = run
            .iter()
            .filter(|c| digit(**c).is_some() || id_check(**c))
            .count();
        if counted < 7 || after_letter || before_unit || is_date(run) {
            out.extend(run);
        } else {
            let mut seen = 0;
            for c in run {
                if digit(*c).is_some() || id_check(*c) {
                    seen += 1;
                    out.push(if seen <= 3 || seen > counted - 2 {
                        *c
                    } else {
                        '*'
                    });
                } else {
                    out.push(*c);
                }
            }
        }
        i = end;
    }
    out
}

/// `2026-12-05`, `2026 12 5`: three groups of 4, 1–2 and 1–2 digits.
fn is_date(run: &[char]) -> bool {
    let groups: Vec<usize> = run
        .split(|c| connector(*c))
        .filter(|g| !g.is_empty())
        .map(<[char]>::len)
        .collect();
    matches!(groups.as_slice(), [4, m, d] if *m <= 2 && *d <= 2)
}

/// Mask e-mail addresses, keeping the first character and the domain (`z***@example.cn`).
fn mask_mails(text: &str) -> String {
    let local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    let domain = |c: char| c.is_ascii_alphanumeric() || ".-".contains(c);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < chars.len() {
        if chars[i] == '@' {
            let mut s = i;
            while s > copied && local(chars[s - 1]) {
                s -= 1;
            }
            let mut e = i + 1;
            while e < chars.len() && domain(chars[e]) {
                e += 1;
            }
            let host: String = chars[i + 1..e].iter().collect();
            let host = host.trim_end_matches(['.', '-']);
            if s < i && host.contains('.') {
                out.extend(&chars[copied..s]);
                out.push(chars[s]);
                out.push_str("***@");
                out.push_str(host);
                copied = i + 1 + host.chars().count();
                i = copied;
                continue;
            }
        }
        i += 1;
    }
    out.extend(&chars[copied..]);
    out
}

/// Common surnames (百家姓, single and compound): a word jieba tags as a name must start
/// with one before it is masked.
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖\
田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段\
雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟\
殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴\
蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏\
宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠\
惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井\
祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况\
那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡\
富尧闭由";

const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "轩辕", "令狐", "钟离", "端木", "独孤", "南宫", "西门", "百里", "呼延",
];

/// Last characters that make a tagged word a place, a body or a law, not a person
/// (石家庄, 马路边, 安全法).
const NOT_NAME_ENDINGS: &str =
    "路街巷口庄村镇乡市县区省州法条例局厅委办所队站院边店厂场寺庙岛沟坝堡屯寨集铺苑证品综查";

fn is_name(word: &str) -> bool {
    let n = word.chars().count();
    let surname = COMPOUND_SURNAMES.iter().any(|s| word.starts_with(s))
        || word.chars().next().is_some_and(|c| SURNAMES.contains(c));
    if !((2..=4).contains(&n)
        && surname
        && word.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        && !word
            .chars()
            .last()
            .is_some_and(|c| NOT_NAME_ENDINGS.contains(c))
        && !word.ends_with('某'))
    {
        return false;
    }
    let given = COMPOUND_SURNAMES
        .iter()
        .find(|s| word.starts_with(**s))
        .map_or_else(
            || word.chars().skip(1).collect::<String>(),
            |s| word[s.len()..].to_owned(),
        );
    if !given.chars().all(|c| GIVEN_NAME_CHARS.contains(c)) {
        return false;
    }
    // A word of the dictionary is a name only as a rare three-character entry (李建国, 陈晓明):
    // its two-character and common entries (许可, 顾客, 许可证) are words first.
    let j = crate::words::jieba();
    !j.has_word(word) || (n == 3 && j.suggest_freq(word) <= RARE)
}

/// Characters common in given names: a tagged word whose given name has another character
/// is a word first (许可, 张挂, 屠宰).
const GIVEN_NAME_CHARS: &str = "东中丹丽义乐乾云亨亮仁伟佳依俊信倩健元光兰兴兵军冬凤凯刚勇华博卫友吉向哲喜嘉国坚坤垚墨天妍妮姗姝娅娇娜娟娴婉婕婧婷媛嫣子\
孝孟学宁宇安宏宙宝家宸富小少山峰帅帆平庆康建强彤彪彬影征德徽志忠忱思怡恒恺悦惟惠愈愉意慈慧成振捷敏文斌斐新旭旺旻昊昌明昕\
星春晋晓晖晗晟晨景晴晶智暄曦月朋朗朝杨杰松林柏柱树根桂桃桐桦梁梅梓梦森楠楷榕槐欢欣歆武毅毓民永汐江沛河泉泓波泰泽洁洋洪浚\
浩海涌涛润涵淑淳淼清渊湖源溪滨澄澜瀚灵灿炜烨焕焱然煜照熙熠燕爱爽牧玉环玲珊珍琛琦琪琬琳琴琼瑛瑜瑞瑶瑾璇璋璐璟甜生田皓盈盛\
真睿石磊礼祥祯祺禄福禧秀秉秋秦程穗立章端竹笑笛策筠筱简素紫红纯绍维缘美群羽羿翊翔翠翰耀聪聿育胜胤臻舒舟航良艳艾芃芝芬花芳\
芷芸苗若英茂茜茵荣荷莉莲莹菁菊菲萌萍萧萱蓉蓓蓝蔚蕾薇藤虹蝶衡裕誉诗诚语诺谦豪豫贝贞贤贵赞超越跃路轩轶辉辰达迎远连迪通逸遥\
邦郁金鑫钢钦钧铁铃铭铮银锋锐锦镇长闯阁阔阳阿陶隆雁雄雅雍雨雪雯雷霆震霏霓霖霞露青靖静韬韵顺颂颖颜飒飚飞馨驰骏骐魁鸣鸾鸿鹏\
鹤鹰麟黎鼎齐龄龙";

/// Dictionary frequency under which a three-character entry tagged as a name is taken as one.
const RARE: usize = 40;

/// Mask person names: words jieba tags `nr` (with a surname split off before them merged
/// back), outside 《》 titles.
fn mask_names(text: &str) -> String {
    let tags = crate::words::jieba().tag(text, true);
    let mut out = String::with_capacity(text.len());
    let mut in_title = 0usize;
    let mut k = 0;
    while k < tags.len() {
        let t = &tags[k];
        match t.word {
            // A title only when it closes: an unmatched 《 masks on as before.
            "《" if tags[k + 1..].iter().take(40).any(|t| t.word == "》") => in_title += 1,
            "》" => in_title = in_title.saturating_sub(1),
            _ => {}
        }
        let person = |tag: &str| matches!(tag, "nr" | "nrt" | "nrfg");
        if in_title == 0 && person(t.tag) {
            // 王/nr 秀英/nr, 欧阳/ns 娜娜/nrt: a surname alone, then the given name.
            let mut word = t.word.to_owned();
            let mut used = 1;
            if let Some(next) = tags.get(k + 1)
                && person(next.tag)
                && word.chars().count() == 1
            {
                word.push_str(next.word);
                used = 2;
            }
            if is_name(&word) {
                out.push_str(&starred_name(&word));
                k += used;
                continue;
            }
        }
        if in_title == 0
            && COMPOUND_SURNAMES.contains(&t.word)
            && let Some(next) = tags.get(k + 1)
            && person(next.tag)
        {
            let word = format!("{}{}", t.word, next.word);
            if is_name(&word) {
                out.push_str(&starred_name(&word));
                k += 2;
                continue;
            }
        }
        out.push_str(t.word);
        k += 1;
    }
    out
}

/// `张*`, `欧阳**`: the surname kept, the given name starred.
fn starred_name(word: &str) -> String {
    let surname = COMPOUND_SURNAMES
        .iter()
        .find(|s| word.starts_with(**s))
        .map_or_else(
            || word.chars().take(1).collect::<String>(),
            |s| (*s).to_owned(),
        );
    let rest = word.chars().count() - surname.chars().count();
    format!("{surname}{}", "*".repeat(rest.max(1)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn personal_data_is_masked_keeping_only_what_identifies_the_record() {
        assert_eq!(super::phone("13812345678"), "138****5678");
        assert_eq!(super::phone("12345"), "*****");
        assert_eq!(super::name("张三"), "张*");
        assert_eq!(super::name("欧阳修"), "欧**");
        assert_eq!(super::name("李"), "李*");
        assert_eq!(super::id_number("330102199001011234"), "330102********1234");
    }
}
