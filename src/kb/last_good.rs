//! The last good copy of the knowledge base (`kb.last_good_dir`): saved
//! after every successful load, and served when the files do not load at
//! start-up, so that a bad merge followed by a deploy or a restart is a
//! degraded bot rather than an outage.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct LastGood {
    dir: PathBuf,
}

impl LastGood {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Copies the files of `source`, a knowledge base that just loaded, over
    /// the last good copy; a failure is logged, never fatal: the bot still
    /// serves what it loaded.
    pub fn keep(&self, source: &Path) {
        if let Err(err) = self.save(source) {
            tracing::warn!(
                last_good_dir = %self.dir.display(),
                error = %err,
                "the last good copy of the knowledge base could not be saved"
            );
        }
    }

    /// Builds the new copy beside the old one, then swaps the two, so that
    /// a crash part-way leaves a whole copy (old or new) in place.
    fn save(&self, source: &Path) -> io::Result<()> {
        let partial = self.sibling("partial");
        let previous = self.sibling("previous");
        remove_if_present(&partial)?;
        copy_tree(source, &partial)?;
        remove_if_present(&previous)?;
        if self.dir.exists() {
            fs::rename(&self.dir, &previous)?;
        }
        fs::rename(&partial, &self.dir)?;
        remove_if_present(&previous)
    }

    fn sibling(&self, suffix: &str) -> PathBuf {
        let mut name = self.dir.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".{suffix}"));
        self.dir.with_file_name(name)
    }
}

fn remove_if_present(dir: &Path) -> io::Result<()> {
    match fs::remove_dir_all(dir) {
        Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
        _ => Ok(()),
    }
}

/// Copies the folders and files under `from`, leaving out hidden ones (a
/// `.git` folder is not part of the knowledge base).
fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for child in fs::read_dir(from)? {
        let child = child?;
        if child.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let target = to.join(child.file_name());
        if child.file_type()?.is_dir() {
            copy_tree(&child.path(), &target)?;
        } else {
            fs::copy(child.path(), target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_save_replaces_the_whole_copy_and_leaves_hidden_files_out() {
        let root = tempfile::tempdir().unwrap();
        let source = root.path().join("kb");
        fs::create_dir_all(source.join("health")).unwrap();
        fs::create_dir_all(source.join(".git")).unwrap();
        fs::write(source.join("health/clinic.toml"), "one").unwrap();
        fs::write(source.join("lexicon.toml"), "words").unwrap();
        let last_good = LastGood::new(root.path().join("cache"));
        last_good.save(&source).unwrap();
        fs::remove_file(source.join("lexicon.toml")).unwrap();
        fs::write(source.join("health/clinic.toml"), "two").unwrap();
        last_good.save(&source).unwrap();

        let copy = last_good.dir();
        assert_eq!(
            fs::read_to_string(copy.join("health/clinic.toml")).unwrap(),
            "two"
        );
        assert!(!copy.join("lexicon.toml").exists());
        assert!(!copy.join(".git").exists());
        assert!(!root.path().join("cache.partial").exists());
        assert!(!root.path().join("cache.previous").exists());
    }
}
