//! Numbers people quote (受理编号 `L2026120500001`, 案号 `AJ2026120500001`): a prefix with the
//! Beijing day and a daily sequence of at least five digits, drawn from a counter per prefix
//! inside the write, so a number never repeats however many a day brings (a province's
//! 100,000th lead of a day is `L20261205100000`, and the next one follows it).

use crate::entities::number_sequence as ns;
use crate::error::StoreError;
use crate::record::Writer;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, PaginatorTrait, Select};

/// The next sequence number after `prefix`. A prefix met for the first time starts after
/// the rows `issued` selects: the numbers issued under it before the counter existed.
pub(crate) async fn next<E: EntityTrait>(
    w: &mut Writer,
    prefix: &str,
    issued: Select<E>,
) -> Result<u64, StoreError>
where
    E::Model: Sync,
{
    let found = ns::Entity::find_by_id(prefix.to_owned())
        .one(w.txn())
        .await?;
    let next = match found {
        Some(row) => {
            let next = row.last + 1;
            let mut am: ns::ActiveModel = row.into();
            am.last = Set(next);
            am.update(w.txn()).await?;
            next
        }
        None => {
            let before = issued.count(w.txn()).await?;
            let next = i64::try_from(before).unwrap_or(i64::MAX - 1) + 1;
            ns::ActiveModel {
                prefix: Set(prefix.to_owned()),
                last: Set(next),
            }
            .insert(w.txn())
            .await?;
            next
        }
    };
    Ok(u64::try_from(next).unwrap_or(0))
}
