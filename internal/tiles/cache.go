package tiles

import (
	"container/list"
	"sync"
)

// DefaultCacheBytes bounds the rendered tiles a server keeps.
const DefaultCacheBytes = 64 << 20

// cache keeps rendered tiles by ETag, least recently used first out,
// within a byte budget. An ETag names the tile's layer, address, filter
// and the state of its data, so an entry never goes stale: after a write
// the tile has another ETag and the old entry ages out unread.
type cache struct {
	mu    sync.Mutex
	max   int
	bytes int
	order *list.List // of *entry, most recent at the front
	byTag map[string]*list.Element
}

type entry struct {
	tag  string
	tile []byte
}

func newCache(maxBytes int) *cache {
	return &cache{max: maxBytes, order: list.New(), byTag: map[string]*list.Element{}}
}

// get returns the tile cached under tag.
func (c *cache) get(tag string) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byTag[tag]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry).tile, true
}

// put caches tile under tag; a tile larger than a quarter of the budget is
// not kept.
func (c *cache) put(tag string, tile []byte) {
	if c == nil || len(tile) > c.max/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byTag[tag]; ok {
		c.order.MoveToFront(el)
		return
	}
	c.byTag[tag] = c.order.PushFront(&entry{tag, tile})
	c.bytes += len(tile) + len(tag)
	for c.bytes > c.max {
		el := c.order.Back()
		e := el.Value.(*entry)
		c.order.Remove(el)
		delete(c.byTag, e.tag)
		c.bytes -= len(e.tile) + len(e.tag)
	}
}
