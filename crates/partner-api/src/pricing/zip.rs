//! Reading the one CSV of a zip-compressed price sheet from its spooled file (PKWARE APPNOTE:
//! the end record names the central directory, which names the entry, whose local header
//! precedes its data). The entry is inflated as it is read, its CRC-32 and size checked at
//! the end, so a 500,000-row sheet never sits in memory. Zip64 archives, encryption and
//! methods other than stored or deflate are refused by name: Microsoft's sheets need none.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};

use flate2::read::DeflateDecoder;
use flate2::Crc;

const END_RECORD: u32 = 0x0605_4b50;
const DIRECTORY_ENTRY: u32 = 0x0201_4b50;
const LOCAL_HEADER: u32 = 0x0403_4b50;
/// The central directory of a one-sheet archive is a few hundred bytes; a larger one is not
/// read into memory.
const MAX_DIRECTORY: u64 = 1 << 20;

fn invalid(detail: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, detail.into())
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Whether `head` (the file's first bytes) starts a zip archive.
pub(super) fn is_zip(head: &[u8]) -> bool {
    head.len() >= 4 && u32_at(head, 0) == LOCAL_HEADER
}

/// One entry as the central directory describes it.
struct Entry {
    name: String,
    method: u16,
    flags: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    local_header: u64,
}

/// The archive's CSV entry (the first `.csv`, else the first file), ready to read.
pub(super) fn open_csv(mut file: File) -> io::Result<(String, Box<dyn Read + Send>)> {
    let len = file.seek(SeekFrom::End(0))?;
    let tail_len = len.min(22 + 65_535);
    file.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = vec![0u8; tail_len as usize];
    file.read_exact(&mut tail)?;
    let end = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|i| u32_at(&tail, *i) == END_RECORD)
        .ok_or_else(|| invalid("no zip end record: the archive is cut short"))?;
    let end = &tail[end..];
    let (entries, dir_size, dir_at) = (u16_at(end, 10), u32_at(end, 12), u32_at(end, 16));
    if entries == 0xFFFF || dir_size == u32::MAX || dir_at == u32::MAX {
        return Err(invalid("a zip64 archive, which is not read"));
    }
    if u64::from(dir_size) > MAX_DIRECTORY.min(len) {
        return Err(invalid(format!(
            "a zip directory of {dir_size} bytes, too large for one sheet"
        )));
    }
    file.seek(SeekFrom::Start(u64::from(dir_at)))?;
    let mut dir = vec![0u8; dir_size as usize];
    file.read_exact(&mut dir)?;
    let mut found: Vec<Entry> = Vec::new();
    let mut at = 0usize;
    while at + 46 <= dir.len() && u32_at(&dir, at) == DIRECTORY_ENTRY {
        let (name_len, extra_len, comment_len) = (
            u16_at(&dir, at + 28) as usize,
            u16_at(&dir, at + 30) as usize,
            u16_at(&dir, at + 32) as usize,
        );
        let name_end = (at + 46 + name_len).min(dir.len());
        found.push(Entry {
            name: String::from_utf8_lossy(&dir[at + 46..name_end]).into_owned(),
            method: u16_at(&dir, at + 10),
            flags: u16_at(&dir, at + 8),
            crc: u32_at(&dir, at + 16),
            compressed: u64::from(u32_at(&dir, at + 20)),
            size: u64::from(u32_at(&dir, at + 24)),
            local_header: u64::from(u32_at(&dir, at + 42)),
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    let files = || found.iter().filter(|e| !e.name.ends_with('/'));
    let entry = files()
        .find(|e| e.name.to_ascii_lowercase().ends_with(".csv"))
        .or_else(|| files().next())
        .ok_or_else(|| invalid("the zip archive holds no file"))?;
    if entry.flags & 1 != 0 {
        return Err(invalid(format!("{} is encrypted", entry.name)));
    }
    if entry.compressed == u64::from(u32::MAX) || entry.size == u64::from(u32::MAX) {
        return Err(invalid(format!(
            "{} is a zip64 entry, which is not read",
            entry.name
        )));
    }
    file.seek(SeekFrom::Start(entry.local_header))?;
    let mut local = [0u8; 30];
    file.read_exact(&mut local)?;
    if u32_at(&local, 0) != LOCAL_HEADER {
        return Err(invalid(format!("{}'s local header is missing", entry.name)));
    }
    let skip = u64::from(u16_at(&local, 26)) + u64::from(u16_at(&local, 28));
    file.seek(SeekFrom::Current(skip as i64))?;
    let data = BufReader::new(file).take(entry.compressed);
    let inner: Box<dyn Read + Send> = match entry.method {
        0 => Box::new(data),
        8 => Box::new(DeflateDecoder::new(data)),
        other => {
            return Err(invalid(format!(
                "{} is compressed with method {other}; only stored and deflate are read",
                entry.name
            )))
        }
    };
    let checked = Checked {
        inner,
        crc: Crc::new(),
        expected_crc: entry.crc,
        expected_size: entry.size,
        name: entry.name.clone(),
    };
    Ok((entry.name.clone(), Box::new(checked)))
}

/// The entry's bytes, with its CRC-32 and size checked when the last byte has been read.
struct Checked {
    inner: Box<dyn Read + Send>,
    crc: Crc,
    expected_crc: u32,
    expected_size: u64,
    name: String,
}

impl Read for Checked {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.crc.update(&buf[..n]);
            return Ok(n);
        }
        if buf.is_empty() {
            return Ok(0);
        }
        if u64::from(self.crc.amount()) != self.expected_size & 0xFFFF_FFFF
            || self.crc.sum() != self.expected_crc
        {
            return Err(invalid(format!(
                "{} does not match its zip checksum or size: the download is damaged",
                self.name
            )));
        }
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A one-entry archive as a zip tool writes it (deflated data, sizes in the headers).
    fn archive(name: &str, data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(data).unwrap();
        let deflated = enc.finish().unwrap();
        let mut crc = Crc::new();
        crc.update(data);
        let fields = |out: &mut Vec<u8>| {
            for v in [20u16, 0, 8, 0, 0] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            for v in [crc.sum(), deflated.len() as u32, data.len() as u32] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
        };
        let mut out = LOCAL_HEADER.to_le_bytes().to_vec();
        fields(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&deflated);
        let dir_at = out.len() as u32;
        out.extend_from_slice(&DIRECTORY_ENTRY.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes());
        fields(&mut out);
        out.extend_from_slice(&[0u8; 14]);
        out.extend_from_slice(name.as_bytes());
        let dir_size = out.len() as u32 - dir_at;
        out.extend_from_slice(&END_RECORD.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0]);
        out.extend_from_slice(&dir_size.to_le_bytes());
        out.extend_from_slice(&dir_at.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    fn spooled(bytes: &[u8]) -> File {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(bytes).unwrap();
        f.seek(SeekFrom::Start(0)).unwrap();
        f
    }

    #[test]
    fn the_csv_entry_streams_out_whole_and_checked() {
        let csv: Vec<u8> = (0..20_000)
            .flat_map(|i| format!("\"m{i}\",\"{}\"\r\n", i % 97).into_bytes())
            .collect();
        let zip = archive("pricesheet.csv", &csv);
        assert!(is_zip(&zip));
        let (name, mut reader) = open_csv(spooled(&zip)).unwrap();
        assert_eq!(name, "pricesheet.csv");
        let mut out = Vec::new();
        reader.read_to_end(&mut out).unwrap();
        assert_eq!(out, csv);
    }

    #[test]
    fn a_damaged_or_cut_archive_is_refused() {
        let csv = b"\"a\",\"b\"\r\n\"1\",\"2\"\r\n".repeat(50);
        let mut zip = archive("s.csv", &csv);
        let crc_at = 14;
        zip[crc_at] ^= 0xFF;
        let dir = zip.len() - 22 - (46 + 5);
        zip[dir + 16] ^= 0xFF;
        let (_, mut reader) = open_csv(spooled(&zip)).unwrap();
        let err = reader.read_to_end(&mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("checksum"), "{err}");
        let cut = &archive("s.csv", &csv)[..40];
        assert!(open_csv(spooled(cut)).is_err(), "no end record");
    }
}
