//! Chinese word segmentation (结巴分词): one dictionary, loaded once, for the catalog's
//! search tokens and the person-name tags that public masking uses.

use std::sync::LazyLock;

use jieba_rs::Jieba;

/// The one segmenter (loading its dictionary takes a moment; it happens on first use).
pub fn jieba() -> &'static Jieba {
    static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);
    &JIEBA
}
