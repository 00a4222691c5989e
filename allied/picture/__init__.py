"""The mentee's picture: their mentoring at a glance on the programme's model, gathered
read-only from programmes, circles and consensus."""
