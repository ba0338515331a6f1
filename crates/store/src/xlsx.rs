//! XLSX for catalog files: a workbook's first sheet read as the CSV import format, and an
//! export written as a workbook. The CSV path does every check; this only converts.

use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;

/// The first sheet of an XLSX workbook as CSV text (dates as `YYYY-MM-DD`, whole numbers
/// without a decimal point).
pub fn xlsx_to_csv(bytes: &[u8]) -> Result<String, String> {
    let mut wb: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| format!("无法读取 XLSX 文件：{e}"))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| "XLSX 文件没有工作表".to_owned())?
        .map_err(|e| format!("无法读取第一个工作表：{e}"))?;
    let mut wtr = csv::WriterBuilder::new().from_writer(vec![]);
    for row in range.rows() {
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        wtr.write_record(&cells).map_err(|e| e.to_string())?;
    }
    let bytes = wtr.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => dt
            .as_datetime()
            .map(|t| t.date().format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| dt.to_string()),
        Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_owned(),
        other => other.to_string(),
    }
}

/// CSV text (with a header) as an XLSX workbook with one sheet; every cell as text so codes
/// and dates come back as written.
pub fn csv_to_xlsx(csv_text: &str, sheet: &str) -> Result<Vec<u8>, String> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).map_err(|e| e.to_string())?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    for (r, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| e.to_string())?;
        for (c, v) in rec.iter().enumerate() {
            let (row, col) = (r as u32, c as u16);
            if r == 0 {
                ws.write_string_with_format(row, col, v, &bold)
                    .map_err(|e| e.to_string())?;
            } else {
                ws.write_string(row, col, v).map_err(|e| e.to_string())?;
            }
        }
    }
    wb.save_to_buffer().map_err(|e| e.to_string())
}
