// Placeholder: the samples work replaces this.
return 0;
