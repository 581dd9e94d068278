//! A bound on how long one line of an input may be, so that a hostile file cannot make a
//! reader hold a gigabyte as one CSV record or one JSON line before any check sees it.

use std::io::{self, Read};

/// The longest line an extract may have: far beyond any real row or event.
pub const MAX_LINE_BYTES: usize = 16 << 20;

/// Reads `inner`, failing with [`io::ErrorKind::InvalidData`] once more than `limit` bytes
/// pass without a line break.
#[derive(Debug)]
pub struct BoundedLines<R> {
    inner: R,
    limit: usize,
    /// Bytes since the last line break.
    run: usize,
}

impl<R: Read> BoundedLines<R> {
    /// `inner` with lines of at most [`MAX_LINE_BYTES`].
    pub fn new(inner: R) -> Self {
        Self::with_limit(inner, MAX_LINE_BYTES)
    }

    /// `inner` with lines of at most `limit` bytes.
    pub fn with_limit(inner: R, limit: usize) -> Self {
        BoundedLines {
            inner,
            limit,
            run: 0,
        }
    }
}

impl<R: Read> Read for BoundedLines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut longest = 0;
        for (i, segment) in buf[..n].split(|&b| b == b'\n').enumerate() {
            // The first segment continues the line the last read ended in.
            self.run = if i == 0 {
                self.run + segment.len()
            } else {
                segment.len()
            };
            longest = longest.max(self.run);
        }
        if longest > self.limit {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("a line longer than {} MiB", self.limit >> 20),
            ));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &[u8], limit: usize) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        BoundedLines::with_limit(text, limit).read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn lines_up_to_the_limit_pass_and_a_longer_one_is_an_error() {
        assert_eq!(read_all(b"abcd\nefgh\nij", 4).unwrap(), b"abcd\nefgh\nij");
        let long = read_all(b"abcd\nefghi\n", 4).unwrap_err();
        assert_eq!(long.kind(), io::ErrorKind::InvalidData);
        assert!(read_all(&[b'x'; 100], 99).is_err());
        assert_eq!(read_all(&[b'x'; 99], 99).unwrap().len(), 99);
        // Read a byte at a time, the count carries across reads.
        let mut one = BoundedLines::with_limit(io::Cursor::new(b"ab\ncde".to_vec()), 2);
        let mut byte = [0u8; 1];
        let results: Vec<bool> = (0..6).map(|_| one.read(&mut byte).is_ok()).collect();
        assert_eq!(results, [true, true, true, true, true, false]);
    }
}
