//! Where the transformed stream goes: held back until the whole input has succeeded, or
//! written as it comes (`--stream`).
//!
//! `kubectl apply -f -` must never see half a stream, so by default nothing reaches stdout
//! until the end. Held output stays in memory up to a threshold and then spills to an unnamed
//! temporary file, so memory stays bounded whatever the input size. Text holding a credential
//! (the pull Secret) is never spilled: it is kept in wiped-on-drop memory as a slot and spliced
//! in when the output is released. A slot can also be cancelled, which is how a Secret planned
//! before a namespace's first workload gives way to one found later in the input.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};

use zeroize::Zeroizing;

/// Held output above this size goes to a temporary file.
pub const SPILL_THRESHOLD: usize = 32 << 20;

/// A slot made by [`Output::secret`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot(usize);

impl Slot {
    /// The slot an output knows as `index` (its own numbering).
    pub fn at(index: usize) -> Slot {
        Slot(index)
    }

    /// The output's own number for the slot.
    pub fn index(self) -> usize {
        self.0
    }
}

/// The destination of the transformed stream.
pub trait Output {
    /// Plain bytes of the stream.
    fn write(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Text held apart from the plain bytes, at the current position: a pull Secret (it holds
    /// a credential, so it never goes to the spill file), or a marker that must go if the
    /// Secrets before it are taken back.
    fn secret(&mut self, text: Zeroizing<String>) -> io::Result<Slot>;
    /// Takes back the text of `slot`. Returns false when it is too late (already written).
    fn cancel(&mut self, slot: Slot) -> bool;
    /// The end of an input: what is written so far may go out now.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes through to the destination, flushing at the end of each input.
pub struct Streamed<W: Write> {
    out: W,
}

impl<W: Write> Streamed<W> {
    pub fn new(out: W) -> Streamed<W> {
        Streamed { out }
    }
}

impl<W: Write> Output for Streamed<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)
    }

    fn secret(&mut self, text: Zeroizing<String>) -> io::Result<Slot> {
        self.out.write_all(text.as_bytes())?;
        Ok(Slot(usize::MAX))
    }

    fn cancel(&mut self, _: Slot) -> bool {
        false
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Keeps everything until [`Held::release`].
pub struct Held {
    memory: Vec<u8>,
    spill: Option<BufWriter<File>>,
    /// Bytes written so far, memory and spill together.
    len: u64,
    threshold: usize,
    slots: Vec<(u64, Option<Zeroizing<String>>)>,
}

impl Held {
    pub fn new() -> Held {
        Held::with_threshold(SPILL_THRESHOLD)
    }

    pub fn with_threshold(threshold: usize) -> Held {
        Held { memory: Vec::new(), spill: None, len: 0, threshold, slots: Vec::new() }
    }

    /// Whether the output has gone to a temporary file.
    pub fn spilled(&self) -> bool {
        self.spill.is_some()
    }

    /// Writes everything held to `out`, secret slots in their places.
    pub fn release(self, out: &mut (impl Write + ?Sized)) -> io::Result<()> {
        let mut copied: u64 = 0;
        let mut source: Box<dyn Read> = match self.spill {
            Some(spill) => {
                let mut file = spill.into_inner().map_err(|e| e.into_error())?;
                file.seek(SeekFrom::Start(0))?;
                Box::new(io::BufReader::with_capacity(1 << 20, file))
            }
            None => Box::new(io::Cursor::new(self.memory)),
        };
        for (at, text) in &self.slots {
            io::copy(&mut (&mut source).take(at - copied), out)?;
            copied = *at;
            if let Some(text) = text {
                out.write_all(text.as_bytes())?;
            }
        }
        io::copy(&mut source, out)?;
        out.flush()
    }
}

impl Default for Held {
    fn default() -> Held {
        Held::new()
    }
}

impl Output for Held {
    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.len += bytes.len() as u64;
        if let Some(spill) = &mut self.spill {
            return spill.write_all(bytes);
        }
        self.memory.extend_from_slice(bytes);
        if self.memory.len() > self.threshold {
            let mut spill = BufWriter::with_capacity(1 << 20, tempfile::tempfile()?);
            spill.write_all(&self.memory)?;
            self.memory = Vec::new();
            self.spill = Some(spill);
        }
        Ok(())
    }

    fn secret(&mut self, text: Zeroizing<String>) -> io::Result<Slot> {
        self.slots.push((self.len, Some(text)));
        Ok(Slot(self.slots.len() - 1))
    }

    fn cancel(&mut self, slot: Slot) -> bool {
        self.slots[slot.0].1 = None;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(text: &str) -> Zeroizing<String> {
        Zeroizing::new(text.to_string())
    }

    #[test]
    fn held_output_splices_slots_in_place_and_drops_cancelled_ones() {
        let mut held = Held::new();
        held.write(b"a\n").unwrap();
        let kept = held.secret(secret("S1\n")).unwrap();
        held.write(b"b\n").unwrap();
        let dropped = held.secret(secret("S2\n")).unwrap();
        held.write(b"c\n").unwrap();
        assert!(held.cancel(dropped));
        let _ = kept;
        let mut out = Vec::new();
        held.release(&mut out).unwrap();
        assert_eq!(out, b"a\nS1\nb\nc\n");
    }

    #[test]
    fn spilled_output_comes_back_whole_and_secrets_never_touch_the_file() {
        let mut held = Held::with_threshold(8);
        let mut expected = Vec::new();
        for line in 0..1000 {
            let text = format!("line {line}\n");
            held.write(text.as_bytes()).unwrap();
            expected.extend_from_slice(text.as_bytes());
            if line == 500 {
                held.secret(secret("SECRET\n")).unwrap();
                expected.extend_from_slice(b"SECRET\n");
            }
        }
        assert!(held.spilled());
        let mut out = Vec::new();
        held.release(&mut out).unwrap();
        assert_eq!(out, expected);
    }

    #[test]
    fn streamed_output_cannot_take_back_a_secret() {
        let mut out = Vec::new();
        let mut streamed = Streamed::new(&mut out);
        let slot = streamed.secret(secret("S\n")).unwrap();
        assert!(!streamed.cancel(slot));
        assert_eq!(out, b"S\n");
    }
}
