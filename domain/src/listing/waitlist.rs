//! The listing's waitlist: entries in join order, indexed so offers are found in O(log n).

use crate::ids::{TicketTypeId, UserId, WaitlistEntryId};
use crate::values::SeatCount;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One buyer waiting for a party of seats of one ticket type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitlistEntry {
    /// The entry's id.
    pub id: WaitlistEntryId,
    /// Join order across the whole listing (lower joined earlier).
    pub sequence: u64,
    /// Which ticket type.
    pub ticket_type_id: TicketTypeId,
    /// Who is waiting.
    pub buyer: UserId,
    /// Seats wanted together.
    pub party_size: SeatCount,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
}

/// Every waiting entry of a listing, across ticket types, with lookup indexes.
///
/// Snapshots hold only the entries; the indexes are rebuilt on load.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(from = "WaitlistSnapshot", into = "WaitlistSnapshot")]
pub struct Waitlist {
    next_sequence: u64,
    entries: BTreeMap<u64, WaitlistEntry>,
    by_id: BTreeMap<WaitlistEntryId, u64>,
    by_buyer: BTreeMap<(TicketTypeId, UserId), WaitlistEntryId>,
    // type -> party size -> sequences: the oldest entry that fits `free` seats is the
    // smallest first-sequence among party sizes <= free, at most SeatCount::MAX lookups.
    by_fit: BTreeMap<TicketTypeId, BTreeMap<u32, BTreeSet<u64>>>,
}

#[derive(Serialize, Deserialize)]
struct WaitlistSnapshot {
    next_sequence: u64,
    entries: Vec<WaitlistEntry>,
}

impl Waitlist {
    /// Number of waiting entries across all ticket types.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nobody is waiting.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of waiting entries for one ticket type.
    pub fn len_for(&self, ticket_type_id: TicketTypeId) -> usize {
        self.by_fit
            .get(&ticket_type_id)
            .map_or(0, |sizes| sizes.values().map(BTreeSet::len).sum())
    }

    /// A waiting entry by id.
    pub fn get(&self, entry_id: WaitlistEntryId) -> Option<&WaitlistEntry> {
        self.by_id
            .get(&entry_id)
            .and_then(|seq| self.entries.get(seq))
    }

    /// The entry a buyer has on one ticket type's waitlist, if any.
    pub fn entry_of(&self, ticket_type_id: TicketTypeId, buyer: UserId) -> Option<&WaitlistEntry> {
        self.by_buyer
            .get(&(ticket_type_id, buyer))
            .and_then(|id| self.get(*id))
    }

    /// 1-based place of an entry among its ticket type's waiting entries (O(n): a query).
    pub fn position(&self, entry_id: WaitlistEntryId) -> Option<usize> {
        let entry = self.get(entry_id)?;
        let ahead = self
            .entries
            .range(..entry.sequence)
            .filter(|(_, other)| other.ticket_type_id == entry.ticket_type_id)
            .count();
        Some(ahead + 1)
    }

    /// Every waiting entry in join order.
    pub fn iter(&self) -> impl Iterator<Item = &WaitlistEntry> {
        self.entries.values()
    }

    /// The oldest entry of a type whose party fits `free` seats, skipping `taken` sequences.
    pub(crate) fn oldest_fitting(
        &self,
        ticket_type_id: TicketTypeId,
        free: u32,
        taken: &BTreeSet<u64>,
    ) -> Option<&WaitlistEntry> {
        let sizes = self.by_fit.get(&ticket_type_id)?;
        sizes
            .range(..=free)
            .filter_map(|(_, seqs)| seqs.iter().find(|seq| !taken.contains(seq)))
            .min()
            .and_then(|seq| self.entries.get(seq))
    }

    /// Appends an entry at the back, assigning the next join sequence.
    pub(crate) fn push(
        &mut self,
        id: WaitlistEntryId,
        ticket_type_id: TicketTypeId,
        buyer: UserId,
        party_size: SeatCount,
        joined_at: DateTime<Utc>,
    ) {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        self.insert(WaitlistEntry {
            id,
            sequence,
            ticket_type_id,
            buyer,
            party_size,
            joined_at,
        });
    }

    /// Removes an entry (it left, or it received an offer).
    pub(crate) fn remove(&mut self, entry_id: WaitlistEntryId) -> Option<WaitlistEntry> {
        let seq = self.by_id.remove(&entry_id)?;
        let entry = self.entries.remove(&seq)?;
        self.by_buyer.remove(&(entry.ticket_type_id, entry.buyer));
        if let Some(sizes) = self.by_fit.get_mut(&entry.ticket_type_id) {
            let party = entry.party_size.get();
            if let Some(seqs) = sizes.get_mut(&party) {
                seqs.remove(&seq);
                // Empty sets are dropped so that equal waitlists compare equal.
                if seqs.is_empty() {
                    sizes.remove(&party);
                }
            }
            if sizes.is_empty() {
                self.by_fit.remove(&entry.ticket_type_id);
            }
        }
        Some(entry)
    }

    /// Drops every entry (the listing was cancelled); sequences keep counting.
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.by_id.clear();
        self.by_buyer.clear();
        self.by_fit.clear();
    }

    fn insert(&mut self, entry: WaitlistEntry) {
        self.by_id.insert(entry.id, entry.sequence);
        self.by_buyer
            .insert((entry.ticket_type_id, entry.buyer), entry.id);
        self.by_fit
            .entry(entry.ticket_type_id)
            .or_default()
            .entry(entry.party_size.get())
            .or_default()
            .insert(entry.sequence);
        self.entries.insert(entry.sequence, entry);
    }
}

impl From<WaitlistSnapshot> for Waitlist {
    fn from(snapshot: WaitlistSnapshot) -> Self {
        let mut waitlist = Waitlist {
            next_sequence: snapshot.next_sequence,
            ..Waitlist::default()
        };
        for entry in snapshot.entries {
            waitlist.insert(entry);
        }
        waitlist
    }
}

impl From<Waitlist> for WaitlistSnapshot {
    fn from(waitlist: Waitlist) -> Self {
        Self {
            next_sequence: waitlist.next_sequence,
            entries: waitlist.entries.into_values().collect(),
        }
    }
}
