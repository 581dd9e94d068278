//! A map that holds at most a fixed number of entries, the oldest inserted going first. Every
//! table the server keeps in memory for requests (sign-in failures, rendered timeline parts,
//! import jobs, sessions) is one, so no stream of requests can grow the server's memory
//! without bound.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

#[derive(Debug)]
pub struct Bounded<K, V> {
    capacity: usize,
    map: HashMap<K, V>,
    /// Keys in insertion order; a key removed from the map may linger here until it is
    /// reached, which is why eviction checks the map.
    order: VecDeque<K>,
}

impl<K: Eq + Hash + Clone, V> Bounded<K, V> {
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "a bounded map holds something");
        Bounded {
            capacity,
            map: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        self.map.get(key)
    }

    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.map.get_mut(key)
    }

    /// Inserts, evicting the oldest entries while the map is full.
    pub fn insert(&mut self, key: K, value: V) {
        if self.map.insert(key.clone(), value).is_none() {
            self.order.push_back(key);
        }
        while self.map.len() > self.capacity {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            self.map.remove(&oldest);
        }
        // Keys removed earlier leave stale places in the order; keep it from growing.
        if self.order.len() > 2 * self.capacity {
            let map = &self.map;
            self.order.retain(|k| map.contains_key(k));
        }
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        self.map.remove(key)
    }

    /// Drops every entry `keep` says no to.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.map.retain(|k, v| keep(k, v));
        let map = &self.map;
        self.order.retain(|k| map.contains_key(k));
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_goes_when_full() {
        let mut m = Bounded::new(2);
        m.insert("a", 1);
        m.insert("b", 2);
        m.insert("a", 3);
        assert_eq!(m.len(), 2);
        m.insert("c", 4);
        assert_eq!(
            (m.get(&"a"), m.get(&"b"), m.get(&"c")),
            (None, Some(&2), Some(&4))
        );
    }

    #[test]
    fn a_stream_of_new_keys_stays_bounded() {
        let mut m = Bounded::new(100);
        for i in 0..100_000 {
            m.insert(i, i);
            if i % 3 == 0 {
                m.remove(&(i - 1));
            }
        }
        assert!(m.len() <= 100);
        assert!(m.order.len() <= 200);
    }
}
