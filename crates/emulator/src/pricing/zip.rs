//! A one-entry zip archive (PKWARE APPNOTE 4.3: local header, deflated data, central directory,
//! end record), which is what the Pricing API sends for `Accept-Encoding: deflate`: a
//! "zip-compressed version of the .csv file", not an HTTP content encoding. Sheets are small
//! here, so the archive is built in memory; sizes are known up front, so no data descriptor.

use std::io::Write;

use flate2::write::DeflateEncoder;
use flate2::{Compression, Crc};

use crate::world::Month;

/// `data` zipped as the single entry `name`, dated the first day of `month`.
pub(crate) fn single_entry(name: &str, data: &[u8], month: Month) -> Vec<u8> {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(data);
    let deflated = encoder.finish().unwrap_or_default();
    let mut crc = Crc::new();
    crc.update(data);
    let dos_date = (((month.year - 1980).max(0) as u16) << 9) | ((month.month as u16) << 5) | 1;
    let name = name.as_bytes();
    let common = |out: &mut Vec<u8>| {
        out.extend_from_slice(&20u16.to_le_bytes()); // version needed: 2.0 (deflate)
        out.extend_from_slice(&0u16.to_le_bytes()); // flags
        out.extend_from_slice(&8u16.to_le_bytes()); // method: deflate
        out.extend_from_slice(&0u16.to_le_bytes()); // time 00:00
        out.extend_from_slice(&dos_date.to_le_bytes());
        out.extend_from_slice(&crc.sum().to_le_bytes());
        out.extend_from_slice(&(deflated.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // extra field length
    };
    let mut out = Vec::with_capacity(deflated.len() + 2 * name.len() + 100);
    out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    common(&mut out);
    out.extend_from_slice(name);
    out.extend_from_slice(&deflated);
    let directory_at = out.len() as u32;
    out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    out.extend_from_slice(&20u16.to_le_bytes()); // made by: 2.0, MS-DOS
    common(&mut out);
    out.extend_from_slice(&0u16.to_le_bytes()); // comment length
    out.extend_from_slice(&0u16.to_le_bytes()); // disk number
    out.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
    out.extend_from_slice(&0u32.to_le_bytes()); // external attributes
    out.extend_from_slice(&0u32.to_le_bytes()); // local header offset
    out.extend_from_slice(name);
    let directory_size = out.len() as u32 - directory_at;
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // this disk
    out.extend_from_slice(&0u16.to_le_bytes()); // directory's disk
    out.extend_from_slice(&1u16.to_le_bytes()); // entries on this disk
    out.extend_from_slice(&1u16.to_le_bytes()); // entries in all
    out.extend_from_slice(&directory_size.to_le_bytes());
    out.extend_from_slice(&directory_at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // comment length
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn the_entry_inflates_back_to_the_csv() {
        let csv = b"\"CurrencyCode\",\"USDPerUnit\",\"Month\"\r\n\"EUR\",\"1.1\",\"2026\"\r\n";
        let zip = single_entry(
            "pricesheet.csv",
            csv,
            Month {
                year: 2026,
                month: 4,
            },
        );
        assert_eq!(&zip[..4], b"PK\x03\x04");
        let name_len = u16::from_le_bytes([zip[26], zip[27]]) as usize;
        let size = u32::from_le_bytes([zip[18], zip[19], zip[20], zip[21]]) as usize;
        let start = 30 + name_len;
        let mut text = Vec::new();
        flate2::read::DeflateDecoder::new(&zip[start..start + size])
            .read_to_end(&mut text)
            .unwrap();
        assert_eq!(text, csv);
        assert_eq!(&zip[zip.len() - 22..zip.len() - 18], b"PK\x05\x06");
    }
}
